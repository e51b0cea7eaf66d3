package io.embark.jobs.config;

import java.util.Optional;

/**
 * Section {@code import}.
 *
 * @param overwrite whether an existing dataset may be replaced
 * @param base      an imported dataset the new one extends: its entities keep their (partition, offset), its relations
 *                  their ids; new entities and relations are appended. Empty: a fresh import.
 * @param mode      with a base: whether the new dataset's edges are the base's plus the new ones, or the new ones only
 */
public record ImportConfig(boolean overwrite, Optional<String> base, ImportMode mode) {

    static ImportConfig read(ConfigReader c) {
        Optional<String> base = c.optionalString("import.base").map(b -> c.path("import.base", b));
        ImportMode mode = c.choice("import.mode", ImportMode.class, ImportMode.APPEND);
        if (base.isEmpty() && c.has("import.mode")) {
            throw new ConfigException("import.mode: only means something with import.base (the dataset the new edges extend)");
        }
        return new ImportConfig(c.bool("import.overwrite", false), base, mode);
    }
}
