package io.embark.partitioning;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A committed import, opened for reading without Spark: the manifest, the dictionaries, and the edges of any
 * bucket of any split, each file checked against its split's {@link BucketIndex} (edge count and CRC32C), the index
 * against the manifest. Opening reads only the manifest; each split's index is read once, on first use.
 */
public final class ImportedGraph {

    private final FileSystem fs;
    private final DatasetLayout layout;
    private final ImportManifest manifest;
    private final ConcurrentHashMap<String, BucketIndex> indexes = new ConcurrentHashMap<>();

    private ImportedGraph(FileSystem fs, DatasetLayout layout, ImportManifest manifest) {
        this.fs = fs;
        this.layout = layout;
        this.manifest = manifest;
    }

    public static ImportedGraph open(FileSystem fs, Path root) throws IOException {
        DatasetLayout layout = new DatasetLayout(root);
        return new ImportedGraph(fs, layout, ImportManifest.read(fs, layout.manifest()));
    }

    public ImportManifest manifest() {
        return manifest;
    }

    public DatasetLayout layout() {
        return layout;
    }

    public FileSystem fileSystem() {
        return fs;
    }

    /**
     * The datasets whose edges together are this graph's known edges, this one first: a dataset imported in
     * {@code delta} mode against a base ({@link ImportManifest#lineage()}) holds only the new edges, and its base's
     * edges (with the same entity ids: a base's entities keep their partition and offset) are known too; so are its
     * base's, if that is a delta as well. What filtered evaluation filters with.
     */
    public List<ImportedGraph> edgeSources() throws IOException {
        List<ImportedGraph> out = new ArrayList<>();
        ImportedGraph g = this;
        out.add(g);
        while (g.manifest.lineage() != null && "delta".equals(g.manifest.lineage().mode())) {
            Path base = new Path(g.manifest.lineage().base());
            try {
                g = open(base.getFileSystem(fs.getConf()), base);
            } catch (IOException e) {
                throw new IOException(layout.root() + " holds only the edges added to its base dataset " + base
                        + ", which cannot be read (" + e.getMessage() + "): the base's edges are needed to know every true edge", e);
            }
            out.add(g);
        }
        return out;
    }

    public boolean hasSplit(String split) {
        return manifest.splits().containsKey(split);
    }

    /**
     * The bucket index of {@code split}: read and checked against the manifest on first use, then kept, so that every
     * later lookup of a bucket's files or edge count is O(1).
     */
    public BucketIndex bucketIndex(String split) throws IOException {
        BucketIndex index = indexes.get(split);
        if (index == null) {
            ImportManifest.BucketIndexFile f = manifest.split(split).bucketIndex();
            index = BucketIndex.read(fs, new Path(layout.root(), f.path()), f.bytes(), f.crc32c());
            if (index.fileCount() != f.files() || index.lhsPartitions() != manifest.lhsPartitions()
                    || index.rhsPartitions() != manifest.rhsPartitions()) {
                throw new IOException(new Path(layout.root(), f.path()) + ": lists " + index.fileCount() + " files of a "
                        + index.lhsPartitions() + " x " + index.rhsPartitions() + " grid, the manifest says " + f.files() + " files of "
                        + manifest.lhsPartitions() + " x " + manifest.rhsPartitions() + ": the dataset is damaged; re-run import");
            }
            BucketIndex raced = indexes.putIfAbsent(split, index);
            index = raced == null ? index : raced;
        }
        return index;
    }

    /** The buckets of {@code split} that hold edges, in bucket order. */
    public List<Bucket> nonEmptyBuckets(String split) throws IOException {
        return bucketIndex(split).nonEmptyBuckets();
    }

    /** Number of edges of {@code split} in {@code bucket}. */
    public long bucketEdges(String split, Bucket bucket) throws IOException {
        return bucketIndex(split).edges(bucket);
    }

    /** Reads all edges of {@code split} in {@code bucket}, verifying each file against the index. */
    public EdgeBlock readBucket(String split, Bucket bucket) throws IOException {
        return readBucket(split, bucket, 1.0, 0L);
    }

    /**
     * Reads the edges of {@code split} in {@code bucket}: every edge this dataset's import read itself, and of the
     * edges an {@code append} import copied from its base ({@link ImportManifest.Lineage#firstBaseSlot}) a fraction
     * {@code baseFraction}, each kept with that probability (seeded by {@code seed}); every file is read and verified
     * in full either way.
     */
    public EdgeBlock readBucket(String split, Bucket bucket, double baseFraction, long seed) throws IOException {
        BucketIndex index = bucketIndex(split);
        long total = index.edges(bucket);
        if (total > Integer.MAX_VALUE - 8) {
            throw new IOException("bucket " + bucket + " of split " + split + " has " + total + " edges: more than one block holds; use more partitions");
        }
        int firstBaseSlot = manifest.lineage() == null ? -1 : manifest.lineage().firstBaseSlot(split);
        EdgeBlock block = new EdgeBlock((int) total, manifest.split(split).weighted());
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        for (BucketIndex.Entry f : index.files(bucket)) {
            Path path = layout.bucketFile(split, bucket, f.slot(), f.attempt());
            boolean sampled = baseFraction < 1 && firstBaseSlot >= 0 && f.slot() >= firstBaseSlot;
            // checked against the index's CRC32C below, so read past Hadoop's .crc layer (OwnChecksums)
            try (EdgeBucketReader reader = new EdgeBucketReader(OwnChecksums.fileSystem(fs).open(path), path.toString())) {
                long n = !sampled ? reader.readInto(block) : reader.forEach((rel, l, r, w) -> {
                    if (random.nextDouble() < baseFraction) {
                        block.add(rel, l, r, w);
                    }
                });
                if (n != f.edges() || reader.checksum() != f.crc32c()) {
                    throw new IOException(path + ": holds " + n + " edges with CRC32C " + Long.toHexString(reader.checksum())
                            + ", the index says " + f.edges() + " edges with CRC32C " + Long.toHexString(f.crc32c())
                            + ": the dataset is damaged; re-run import");
                }
                if (!reader.bucket().equals(bucket)) {
                    throw new IOException(path + ": header says bucket " + reader.bucket() + ", expected " + bucket);
                }
            }
        }
        return block;
    }

    /** The entity names of one partition of {@code entityType}, index = offset. */
    public List<String> entityNames(String entityType, int partition) throws IOException {
        return readLines(layout.entityNames(entityType, partition));
    }

    /** The relation names, index = relation id. */
    public List<String> relationNames() throws IOException {
        return readLines(layout.relationNames());
    }

    private List<String> readLines(Path path) throws IOException {
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(path), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(NameCodec.decode(line));
            }
        }
        return lines;
    }
}
