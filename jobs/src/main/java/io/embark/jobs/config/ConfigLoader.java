package io.embark.jobs.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a config file and applies {@code --set key=value} overrides on top of it. */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    public static ConfigReader load(Path file, List<String> overrides) {
        return ConfigSource.read(file, overrides).reader(List.of());
    }

    public static ConfigReader fromText(String text, String source, List<String> overrides) {
        Map<String, Object> values = new LinkedHashMap<>(ConfigParser.parse(text, source));
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("--set " + o + ": expected key=value");
            }
            String key = o.substring(0, eq).trim();
            String value = o.substring(eq + 1).trim();
            Map<String, Object> parsed = value.startsWith("[") || value.startsWith("\"")
                    ? ConfigParser.parse("v = " + value, "--set " + key)
                    : Map.of("v", value);
            values.remove(key);
            values.put(key, parsed.get("v"));
        }
        return new ConfigReader(values, source);
    }
}
