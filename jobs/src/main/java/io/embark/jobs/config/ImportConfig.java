package io.embark.jobs.config;

import java.util.Optional;

/**
 * Section {@code import}.
 *
 * @param overwrite whether an existing dataset may be replaced
 * @param base      an imported dataset the new one extends: its entities keep their (partition, offset), its relations
 *                  their ids; new entities and relations are appended. Empty: a fresh import.
 * @param mode      with a base: whether the new dataset's edges are the base's plus the new ones, or the new ones only
 * @param mapSideDictionary the most entities (all types together) for which every executor loads the dictionary and
 *                  looks the edges' names up in its tasks, instead of joining the edges with it in two shuffles; 0 =
 *                  always join
 */
public record ImportConfig(boolean overwrite, Optional<String> base, ImportMode mode, long mapSideDictionary) {

    /**
     * About 100 MB of each executor's heap at 1M entities with short names (docs/configuration.md): within the user
     * memory (40% of the heap above 300 MB) of Spark's default 1 GB executor, also with longer names.
     */
    public static final long DEFAULT_MAP_SIDE_DICTIONARY = 1_000_000;

    static ImportConfig read(ConfigReader c) {
        Optional<String> base = c.optionalString("import.base").map(b -> c.path("import.base", b));
        ImportMode mode = c.choice("import.mode", ImportMode.class, ImportMode.APPEND);
        if (base.isEmpty() && c.has("import.mode")) {
            throw new ConfigException("import.mode: only means something with import.base (the dataset the new edges extend)");
        }
        return new ImportConfig(c.bool("import.overwrite", false), base, mode,
                c.longValue("import.mapSideDictionary", DEFAULT_MAP_SIDE_DICTIONARY, 0, Integer.MAX_VALUE));
    }
}
