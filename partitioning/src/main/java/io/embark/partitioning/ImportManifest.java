package io.embark.partitioning;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The record of a committed import: what was read, what was written (per split, the bucket index that lists every
 * file with its edge count and CRC32C, itself checksummed here),
 * and the config used. Written last, as {@code manifest.json}; its presence is what makes a directory a dataset.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ImportManifest(
        int formatVersion,
        String createdAt,
        Map<String, String> config,
        List<EntityTypeInfo> entityTypes,
        List<RelationInfo> relations,
        boolean dynamicRelations,
        int lhsPartitions,
        int rhsPartitions,
        Map<String, SplitInfo> splits,
        Lineage lineage) {

    /** A fresh import: no base dataset ({@link #lineage()} null). */
    public ImportManifest(int formatVersion, String createdAt, Map<String, String> config, List<EntityTypeInfo> entityTypes,
                          List<RelationInfo> relations, boolean dynamicRelations, int lhsPartitions, int rhsPartitions,
                          Map<String, SplitInfo> splits) {
        this(formatVersion, createdAt, config, entityTypes, relations, dynamicRelations, lhsPartitions, rhsPartitions, splits, null);
    }

    /**
     * What an import against a base dataset ({@code import.base}) started from and added. The base's entities keep their
     * (partition, offset) and its relations their ids here; what is listed was appended after them.
     *
     * @param base          the base dataset's directory, as the import was given it
     * @param baseCreatedAt the base manifest's {@link #createdAt()}: which import of that directory this one extends
     * @param mode          {@code append} (the base's edges and the new ones) or {@code delta} (the new ones only)
     * @param newEntities   per entity type, the entities the base did not have
     * @param newRelations  the relations the base did not have, in id order
     * @param newEdges      per split, the edges read from this import's own input (not copied from the base)
     * @param baseSlots     per split of an {@code append} import, the first bucket slot that holds the base's copied edges
     *                      (this import's own files come first in each bucket): what {@code training.replay} samples;
     *                      absent in {@code delta} mode and in datasets imported before it was recorded
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Lineage(String base, String baseCreatedAt, String mode, Map<String, Long> newEntities, List<String> newRelations,
                          Map<String, Long> newEdges, Map<String, Integer> baseSlots) {

        /** The first slot of {@code split}'s buckets that holds the base's edges; -1 when none does (or it is not known). */
        public int firstBaseSlot(String split) {
            Integer s = baseSlots == null ? null : baseSlots.get(split);
            return s == null ? -1 : s;
        }
    }

    /** 2: buckets are indexed ({@link BucketIndex}), at most a few files each; 1 listed every file of every task here. */
    public static final int FORMAT_VERSION = 2;

    /** An entity type: its partition count and how many entities landed in each partition. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record EntityTypeInfo(String name, int partitions, long count, long[] partitionCounts) {
    }

    /** A relation type: its id (line of relations.txt), name, sides and training edge count. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RelationInfo(int id, String name, String lhsType, String rhsType, long edges) {
    }

    /**
     * Where a split's {@link BucketIndex} lives (relative to the dataset root) and what it must look like: its length
     * and CRC32C, and the number of bucket files it lists, at most {@code slots} per bucket.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record BucketIndexFile(String path, int slots, long files, long bytes, long crc32c) {
    }

    /** One input line that was rejected, with where it was and why. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record BadLine(String file, long line, String reason, String text) {

        @Override
        public String toString() {
            return file + ":" + line + ": " + reason + (text == null ? "" : " in line '" + text + "'");
        }
    }

    /** A split (train, valid, test): the edges read, kept, skipped, and the index of the files holding them. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SplitInfo(
            List<String> inputs,
            boolean weighted,
            long linesRead,
            long edges,
            long badLinesSkipped,
            List<BadLine> badLineSample,
            long unknownEntityEdges,
            List<String> unknownEntitySample,
            long unknownRelationEdges,
            BucketIndexFile bucketIndex) {
    }

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public EntityTypeInfo entityType(String name) {
        return entityTypes.stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("dataset has no entity type '" + name + "'"));
    }

    public SplitInfo split(String name) {
        SplitInfo s = splits.get(name);
        if (s == null) {
            throw new IllegalArgumentException("dataset has no split '" + name + "' (has: " + splits.keySet() + ")");
        }
        return s;
    }

    public void write(FileSystem fs, Path path) throws IOException {
        try (OutputStream out = fs.create(path, true)) {
            MAPPER.writeValue(out, this);
        }
    }

    public static ImportManifest read(FileSystem fs, Path path) throws IOException {
        try (InputStream in = fs.open(path)) {
            ImportManifest m = MAPPER.readValue(in, ImportManifest.class);
            if (m.formatVersion() != FORMAT_VERSION) {
                throw new IOException(path + ": dataset format version " + m.formatVersion() + " (this build reads " + FORMAT_VERSION
                        + "): re-run `embark import` with import.overwrite=true to rewrite it in the current layout");
            }
            return m;
        } catch (FileNotFoundException e) {
            throw new IOException("no " + path.getName() + " in " + path.getParent()
                    + ": not a complete import (run `embark import` to create it)", e);
        }
    }

    public String toJson() {
        try {
            return MAPPER.writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
