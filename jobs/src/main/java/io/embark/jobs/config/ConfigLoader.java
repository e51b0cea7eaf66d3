package io.embark.jobs.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a config file and applies {@code --set key=value} overrides on top of it. */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    public static ConfigReader load(Path file, List<String> overrides) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        return fromText(text, file.toString(), overrides);
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
