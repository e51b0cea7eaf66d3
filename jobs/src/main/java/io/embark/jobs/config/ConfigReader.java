package io.embark.jobs.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Typed, validated access to a flat config map. Every accessor remembers the key it was asked for, so that
 * {@link #finish()} can reject keys nobody read, suggesting the nearest valid key ("did you mean ...?").
 * Error messages name the key and what was expected: {@code training.batchSize: 0 (expected >= 1)}.
 * Keys starting with {@code spark.} are Spark properties, passed through untouched.
 */
public final class ConfigReader {

    private final Map<String, Object> values;
    private final String source;
    private final Set<String> known = new LinkedHashSet<>();
    private PathQualifier paths = (key, path) -> path;

    /** Turns a path given for a key into the one the stages use (see {@link DriverPaths}). */
    @FunctionalInterface
    public interface PathQualifier {
        String qualify(String key, String path);
    }

    public ConfigReader(Map<String, Object> values, String source) {
        this.values = new LinkedHashMap<>(values);
        this.source = source;
    }

    /** Makes {@link #path} and {@link #pathList} pass their values through {@code qualifier} (by default they are as given). */
    public ConfigReader qualifyingPaths(PathQualifier qualifier) {
        this.paths = qualifier;
        return this;
    }

    /** A file or directory path (any Hadoop URI), qualified by this reader's {@link PathQualifier}. */
    public String path(String key, String defaultValue) {
        return paths.qualify(key, string(key, defaultValue));
    }

    /** A list of paths (or one), each qualified by this reader's {@link PathQualifier}. */
    public List<String> pathList(String key) {
        List<String> out = new ArrayList<>();
        for (String p : list(key)) {
            out.add(paths.qualify(key, p));
        }
        return out;
    }

    public String source() {
        return source;
    }

    public boolean has(String key) {
        known.add(key);
        return values.containsKey(key);
    }

    public Optional<String> optionalString(String key) {
        known.add(key);
        Object v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof List<?>) {
            throw error(key, v, "a single value, not a list");
        }
        return Optional.of((String) v);
    }

    public String string(String key, String defaultValue) {
        return optionalString(key).orElse(defaultValue);
    }

    public String requiredString(String key, String what) {
        return optionalString(key).orElseThrow(() -> new ConfigException(key + ": missing (expected " + what + ")"));
    }

    /** A value that may be given as one string or as a list of strings. */
    public List<String> list(String key) {
        known.add(key);
        Object v = values.get(key);
        if (v == null) {
            return List.of();
        }
        if (v instanceof List<?> l) {
            List<String> out = new ArrayList<>();
            for (Object o : l) {
                out.add((String) o);
            }
            return out;
        }
        return List.of((String) v);
    }

    public int integer(String key, int defaultValue, int min, int max) {
        return (int) longValue(key, defaultValue, min, max);
    }

    public long longValue(String key, long defaultValue, long min, long max) {
        Optional<String> s = optionalString(key);
        if (s.isEmpty()) {
            return defaultValue;
        }
        long v;
        try {
            v = parseLong(s.get());
        } catch (NumberFormatException e) {
            throw error(key, s.get(), "an integer");
        }
        if (v < min || v > max) {
            throw error(key, s.get(), range(min, max));
        }
        return v;
    }

    /** Integers may be written with underscores or a k/M/G suffix: 10_000, 10k, 100M. */
    private static long parseLong(String s) {
        String t = s.replace("_", "").trim();
        long mult = 1;
        char last = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
        if (last == 'k' || last == 'K') {
            mult = 1_000L;
        } else if (last == 'M') {
            mult = 1_000_000L;
        } else if (last == 'G') {
            mult = 1_000_000_000L;
        }
        if (mult != 1) {
            t = t.substring(0, t.length() - 1);
        }
        return Math.multiplyExact(Long.parseLong(t), mult);
    }

    private static String range(long min, long max) {
        if (max == Long.MAX_VALUE || max == Integer.MAX_VALUE) {
            return ">= " + min;
        }
        return "between " + min + " and " + max;
    }

    public double doubleValue(String key, double defaultValue, double min, double max) {
        Optional<String> s = optionalString(key);
        if (s.isEmpty()) {
            return defaultValue;
        }
        double v;
        try {
            v = Double.parseDouble(s.get().trim());
        } catch (NumberFormatException e) {
            throw error(key, s.get(), "a number");
        }
        if (!(v >= min && v <= max)) {
            throw error(key, s.get(), max == Double.MAX_VALUE ? ">= " + min : "between " + min + " and " + max);
        }
        return v;
    }

    public boolean bool(String key, boolean defaultValue) {
        Optional<String> s = optionalString(key);
        if (s.isEmpty()) {
            return defaultValue;
        }
        return switch (s.get().trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw error(key, s.get(), "true or false");
        };
    }

    /** An enum choice, written in lower case with underscores (e.g. {@code complex_diagonal}). */
    public <E extends Enum<E>> E choice(String key, Class<E> type, E defaultValue) {
        Optional<String> s = optionalString(key);
        if (s.isEmpty()) {
            return defaultValue;
        }
        return parseChoice(key, s.get(), type);
    }

    public static <E extends Enum<E>> E parseChoice(String key, String value, Class<E> type) {
        String v = value.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (E e : type.getEnumConstants()) {
            if (choiceName(e).equals(v)) {
                return e;
            }
        }
        throw new ConfigException(key + ": '" + value + "' is not valid (expected one of "
                + String.join(", ", Arrays.stream(type.getEnumConstants()).map(ConfigReader::choiceName).toList()) + ")");
    }

    public static String choiceName(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** The distinct names directly under {@code prefix}: for {@code graph.entities}, the entity type names. */
    public Set<String> childNames(String prefix) {
        String p = prefix + ".";
        Set<String> names = new TreeSet<>();
        for (String k : values.keySet()) {
            if (k.startsWith(p)) {
                String rest = k.substring(p.length());
                int dot = rest.indexOf('.');
                names.add(dot < 0 ? rest : rest.substring(0, dot));
            }
        }
        return names;
    }

    /** Every key of the config that starts with {@code prefix + "."}, in the order given, whether read or not. */
    public List<String> keysUnder(String prefix) {
        String p = prefix + ".";
        List<String> out = new ArrayList<>();
        for (String k : values.keySet()) {
            if (k.startsWith(p)) {
                out.add(k);
            }
        }
        return out;
    }

    /**
     * The valid key nearest to {@code key} among those the accessors asked for so far ({@link #knownKeys}), as
     * {@link #finish} suggests it; empty when none is near.
     */
    public Optional<String> nearestKnown(String key) {
        return Optional.ofNullable(nearest(key));
    }

    /** Keys starting with {@code spark.}: Spark properties, returned as given. */
    public Map<String, String> sparkProperties() {
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            if (e.getKey().startsWith("spark.")) {
                known.add(e.getKey());
                out.put(e.getKey(), String.valueOf(e.getValue()));
            }
        }
        return out;
    }

    /** Every key an accessor asked for so far (present in the config or not). */
    public Set<String> knownKeys() {
        return java.util.Collections.unmodifiableSet(known);
    }

    /** Rejects keys no accessor asked for, naming the nearest valid key. */
    public void finish() {
        List<String> problems = new ArrayList<>();
        for (String k : values.keySet()) {
            if (!known.contains(k)) {
                String nearest = nearest(k);
                problems.add(k + ": unknown key" + (nearest == null ? "" : " (did you mean " + nearest + "?)"));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(source + ": " + String.join("; ", problems));
        }
    }

    private String nearest(String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = editDistance(key.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return bestDistance <= Math.max(3, key.length() / 3) ? best : null;
    }

    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** The config as flat strings (lists joined with commas), for manifests and checkpoints. */
    public Map<String, String> asStrings() {
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            Object v = e.getValue();
            out.put(e.getKey(), v instanceof List<?> l ? "[" + String.join(", ", l.stream().map(String::valueOf).toList()) + "]" : String.valueOf(v));
        }
        return out;
    }

    private static ConfigException error(String key, Object value, String expected) {
        return new ConfigException(key + ": '" + value + "' (expected " + expected + ")");
    }
}
