package io.embark.partitioning;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A committed import, opened for reading without Spark: the manifest, the dictionaries, and the edges of any
 * bucket of any split, each file checked against the manifest's edge count and CRC32C.
 */
public final class ImportedGraph {

    private final FileSystem fs;
    private final DatasetLayout layout;
    private final ImportManifest manifest;

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

    public boolean hasSplit(String split) {
        return manifest.splits().containsKey(split);
    }

    /** The files of each bucket of {@code split}, in bucket order. */
    public Map<Bucket, List<ImportManifest.BucketFile>> bucketFiles(String split) {
        Map<Bucket, List<ImportManifest.BucketFile>> byBucket = new TreeMap<>();
        for (ImportManifest.BucketFile f : manifest.split(split).files()) {
            byBucket.computeIfAbsent(f.bucket(), b -> new ArrayList<>()).add(f);
        }
        return byBucket;
    }

    /** Number of edges of {@code split} in {@code bucket}. */
    public long bucketEdges(String split, Bucket bucket) {
        long n = 0;
        for (ImportManifest.BucketFile f : bucketFiles(split).getOrDefault(bucket, List.of())) {
            n += f.edges();
        }
        return n;
    }

    /** Reads all edges of {@code split} in {@code bucket}, verifying each file against the manifest. */
    public EdgeBlock readBucket(String split, Bucket bucket) throws IOException {
        List<ImportManifest.BucketFile> files = bucketFiles(split).getOrDefault(bucket, List.of());
        long total = 0;
        for (ImportManifest.BucketFile f : files) {
            total += f.edges();
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IOException("bucket " + bucket + " of split " + split + " has " + total + " edges: more than one block holds; use more partitions");
        }
        EdgeBlock block = new EdgeBlock((int) total, manifest.split(split).weighted());
        for (ImportManifest.BucketFile f : files) {
            Path path = new Path(layout.root(), f.path());
            try (EdgeBucketReader reader = new EdgeBucketReader(fs.open(path), path.toString())) {
                long n = reader.readInto(block);
                if (n != f.edges() || reader.checksum() != f.crc32c()) {
                    throw new IOException(path + ": holds " + n + " edges with CRC32C " + Long.toHexString(reader.checksum())
                            + ", the manifest says " + f.edges() + " edges with CRC32C " + Long.toHexString(f.crc32c())
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
