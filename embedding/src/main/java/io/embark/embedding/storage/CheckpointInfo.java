package io.embark.embedding.storage;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * The {@code checkpoint.json} of a committed checkpoint version: how many epochs it holds, the config it was trained
 * with (every key, as strings), the keys that must match to resume it, the dataset's shape, and the stats of every
 * epoch so far; for a run warm-started from another checkpoint ({@code training.init}), where it started
 * ({@link CheckpointLineage}).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CheckpointInfo(
        int formatVersion,
        int version,
        int epochs,
        String createdAt,
        Map<String, String> config,
        Map<String, String> compatibility,
        List<TablePartition> partitions,
        List<EpochStats> stats,
        CheckpointLineage lineage) {

    /** A checkpoint of a run that started from scratch ({@link #lineage()} null). */
    public CheckpointInfo(int formatVersion, int version, int epochs, String createdAt, Map<String, String> config,
                          Map<String, String> compatibility, List<TablePartition> partitions, List<EpochStats> stats) {
        this(formatVersion, version, epochs, createdAt, config, compatibility, partitions, stats, null);
    }

    /**
     * 2: every file of the version is listed with its length and CRC32C in {@code manifest.crc32c}, and {@code .emb}
     * and {@code relations.bin} end with a CRC32C trailer; 1: neither (refused: it cannot be verified).
     */
    public static final int FORMAT_VERSION = 2;

    /** One (entity type, partition) whose table file is in the checkpoint. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TablePartition(String entityType, int partition, int rows, int dim) {
    }
}
