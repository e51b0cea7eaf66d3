package io.embark.jobs.config;

/** Section {@code import}: whether an existing dataset may be replaced. */
public record ImportConfig(boolean overwrite) {

    static ImportConfig read(ConfigReader c) {
        return new ImportConfig(c.bool("import.overwrite", false));
    }
}
