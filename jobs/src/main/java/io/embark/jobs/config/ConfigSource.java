package io.embark.jobs.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A config as the user gave it: the file's text, its name, and the {@code --set key=value} overrides. Kept whole (not
 * only as the parsed map) where a command loads variants of it ({@code tune}: one per trial) or writes it back out as a
 * file another command reads as is ({@code tune}'s {@code best.conf}).
 *
 * @param text      the config file's text
 * @param name      the file name, which prefixes error messages
 * @param overrides the {@code --set key=value} overrides, applied in order after the file
 */
public record ConfigSource(String text, String name, List<String> overrides) {

    public ConfigSource {
        overrides = List.copyOf(overrides);
    }

    /** Reads {@code file} (from the driver's local disk). */
    public static ConfigSource read(Path file, List<String> overrides) {
        try {
            return new ConfigSource(Files.readString(file, StandardCharsets.UTF_8), file.toString(), overrides);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
    }

    /** The config with these overrides applied, then {@code more} ({@code key=value} each, as {@code --set} takes them). */
    public ConfigReader reader(List<String> more) {
        List<String> all = new ArrayList<>(overrides);
        all.addAll(more);
        return ConfigLoader.fromText(text, name, all);
    }

    /** The validated job config with {@code more} applied, its paths qualified by {@code paths}. */
    public JobConfig job(ConfigReader.PathQualifier paths, List<String> more) {
        return JobConfig.read(reader(more).qualifyingPaths(paths));
    }

    /**
     * A config file that means this config with {@code values} set on top: the original text, then the overrides and
     * {@code values} as {@code key = "value"} lines (a key given twice keeps its last value), under a comment
     * {@code why}. Loading it gives what {@link #reader} gives with {@code values} as more overrides.
     */
    public String withValues(Map<String, String> values, String why) {
        StringBuilder sb = new StringBuilder(text);
        if (!text.isEmpty() && !text.endsWith("\n")) {
            sb.append('\n');
        }
        if (!overrides.isEmpty()) {
            sb.append("\n# --set overrides of the run\n");
            for (String o : overrides) {
                int eq = o.indexOf('=');
                sb.append(line(o.substring(0, eq).trim(), o.substring(eq + 1).trim()));
            }
        }
        sb.append("\n# ").append(why.replace("\n", " ")).append('\n');
        values.forEach((k, v) -> sb.append(line(k, v)));
        return sb.toString();
    }

    /** {@code key = value}: a value that {@code --set} would parse (a list, a quoted string) as is, any other quoted. */
    private static String line(String key, String value) {
        String v = value.startsWith("[") || value.startsWith("\"") ? value : quote(value);
        return key + " = " + v + "\n";
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
