package io.embark.jobs.config;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Section {@code export}: embeddings and relation parameters of one checkpoint version, for other systems.
 *
 * @param version   the checkpoint version to export; empty = the newest
 * @param output    the directory written (atomically: under a temporary name, renamed when complete)
 * @param formats   parquet and/or tsv
 * @param overwrite replace an existing output
 */
public record ExportConfig(Optional<Integer> version, String output, Set<ExportFormat> formats, boolean overwrite) {

    static ExportConfig read(ConfigReader c, String workspace) {
        List<String> names = c.has("export.formats") ? c.list("export.formats") : List.of("parquet", "tsv");
        Set<ExportFormat> formats = EnumSet.noneOf(ExportFormat.class);
        for (String n : names) {
            formats.add(ConfigReader.parseChoice("export.formats", n, ExportFormat.class));
        }
        if (formats.isEmpty()) {
            throw new ConfigException("export.formats: [] (expected at least one of parquet, tsv)");
        }
        return new ExportConfig(CheckpointVersion.read(c, "export.version"), c.path("export.output", workspace + "/export"),
                Set.copyOf(formats), c.bool("export.overwrite", false));
    }
}
