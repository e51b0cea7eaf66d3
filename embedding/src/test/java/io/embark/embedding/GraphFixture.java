package io.embark.embedding;

import io.embark.partitioning.Bucket;
import io.embark.partitioning.BucketIndex;
import io.embark.partitioning.DatasetLayout;
import io.embark.partitioning.EdgeBucketWriter;
import io.embark.partitioning.ImportManifest;
import io.embark.partitioning.ImportedGraph;
import io.embark.partitioning.NameCodec;
import io.embark.partitioning.PartitionAssignment;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes a small imported dataset (the layout of {@link DatasetLayout}, one entity type "e", dynamic relations) from
 * triples of entity ids, without Spark: entity i goes to partition {@code i mod P} at offset {@code i / P} (i is its
 * rank in {@link PartitionAssignment}). For tests and the benchmarks, which need datasets before the import command.
 */
public final class GraphFixture {

    private GraphFixture() {
    }

    public static FileSystem localFs() throws IOException {
        return FileSystem.getLocal(new Configuration());
    }

    /**
     * Writes the dataset under {@code root}: entity names {@code entityNames} (index = id), relation names, and each
     * split's triples {@code {h, r, t}}.
     */
    public static ImportedGraph write(FileSystem fs, Path root, List<String> entityNames, List<String> relationNames,
                                      int partitions, Map<String, List<int[]>> splits) throws IOException {
        DatasetLayout layout = new DatasetLayout(root);
        fs.mkdirs(root);
        int n = entityNames.size();
        long[] counts = new long[partitions];
        for (int p = 0; p < partitions; p++) {
            counts[p] = PartitionAssignment.partitionSize(n, partitions, p);
            StringBuilder sb = new StringBuilder();
            for (long off = 0; off < counts[p]; off++) {
                sb.append(NameCodec.encode(entityNames.get((int) PartitionAssignment.rank(p, (int) off, partitions)))).append('\n');
            }
            writeText(fs, layout.entityNames("e", p), sb.toString());
        }
        writeText(fs, layout.relationNames(), String.join("\n", relationNames) + "\n");
        long[] relEdges = new long[relationNames.size()];
        Map<String, ImportManifest.SplitInfo> infos = new LinkedHashMap<>();
        for (Map.Entry<String, List<int[]>> split : splits.entrySet()) {
            Map<Bucket, List<int[]>> byBucket = new TreeMap<>();
            for (int[] e : split.getValue()) {
                byBucket.computeIfAbsent(new Bucket(e[0] % partitions, e[2] % partitions), b -> new ArrayList<>()).add(e);
                if (split.getKey().equals(DatasetLayout.TRAIN)) {
                    relEdges[e[1]]++;
                }
            }
            List<BucketIndex.Entry> files = new ArrayList<>();
            for (Map.Entry<Bucket, List<int[]>> b : byBucket.entrySet()) {
                Path file = layout.bucketFile(split.getKey(), b.getKey(), 0, 0);
                try (OutputStream out = fs.create(file, true);
                     EdgeBucketWriter w = new EdgeBucketWriter(out, b.getKey(), false)) {
                    for (int[] e : b.getValue()) {
                        w.write(e[1], e[0] / partitions, e[2] / partitions, 1f);
                    }
                    w.close();
                    files.add(new BucketIndex.Entry(b.getKey().lhsPartition(), b.getKey().rhsPartition(), 0, 0, w.count(), w.checksum()));
                }
            }
            Path indexPath = layout.bucketIndex(split.getKey());
            byte[] index = new BucketIndex(partitions, partitions, 1, files).write(fs, indexPath);
            ImportManifest.BucketIndexFile indexFile = new ImportManifest.BucketIndexFile(layout.relative(indexPath), 1, files.size(),
                    index.length, BucketIndex.checksum(index));
            infos.put(split.getKey(), new ImportManifest.SplitInfo(List.of("fixture"), false, split.getValue().size(),
                    split.getValue().size(), 0, List.of(), 0, List.of(), 0, indexFile));
        }
        List<ImportManifest.RelationInfo> rels = new ArrayList<>();
        for (int r = 0; r < relationNames.size(); r++) {
            rels.add(new ImportManifest.RelationInfo(r, relationNames.get(r), "e", "e", relEdges[r]));
        }
        ImportManifest manifest = new ImportManifest(ImportManifest.FORMAT_VERSION, Instant.now().toString(), Map.of(),
                List.of(new ImportManifest.EntityTypeInfo("e", partitions, n, counts)), rels, true, partitions, partitions, infos);
        manifest.write(fs, layout.manifest());
        return ImportedGraph.open(fs, root);
    }

    private static void writeText(FileSystem fs, Path p, String text) throws IOException {
        try (OutputStream out = fs.create(p, true)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
