package io.embark.jobs.imports;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embark.jobs.config.JobConfig;
import io.embark.partitioning.Bucket;
import io.embark.partitioning.BucketIndex;
import io.embark.partitioning.EdgeBlock;
import io.embark.partitioning.ImportManifest;
import io.embark.partitioning.ImportedGraph;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(300)
class ImportJobTest {

    @TempDir
    Path dir;

    private String conf(Path out) {
        return """
                workspace = "%s"
                data { train = "%s", valid = "%s", format = tsv, columns.weight = 3 }
                graph {
                  entities { user.partitions = 2, item.partitions = 1 }
                  relations.dynamic = false
                  relations.types { buys { lhs = user, rhs = item }, follows { lhs = user, rhs = user } }
                }
                """.formatted(out, dir.resolve("train.tsv"), dir.resolve("valid.tsv"));
    }

    private List<String> writeTrain() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int u = 0; u < 40; u++) {
            lines.add("u" + u + "\tbuys\ti" + (u % 7) + "\t" + ((u + 1) * 0.25f));  // weights > 0: 0 is a bad line
            lines.add("u" + u + "\tfollows\tu" + ((u * 3 + 1) % 40) + "\t1.5");
        }
        lines.add("");  // a blank line is skipped
        Files.write(dir.resolve("train.tsv"), lines);
        Files.write(dir.resolve("valid.tsv"), List.of("u1\tbuys\ti3\t1", "u1\tbuys\tnever-seen\t1", "ghost\tfollows\tu2\t1"));
        return lines.subList(0, lines.size() - 1);
    }

    /** Both ways of giving edges their ids: looked up in the tasks (the default here), and joined (a limit of 0). */
    @ParameterizedTest(name = "import.mapSideDictionary = {0}")
    @ValueSource(longs = {1_000_000, 0})
    void writes_dictionaries_and_buckets_that_map_back_to_the_input(long mapSide) throws Exception {
        List<String> input = writeTrain();
        Path out = dir.resolve("ws");
        JobConfig job = SparkTestSupport.config(conf(out), "import.mapSideDictionary=" + mapSide);
        ImportManifest m = ImportJob.run(SparkTestSupport.spark(), job);

        assertEquals(40, m.entityType("user").count());
        assertArrayEquals(new long[] {20, 20}, m.entityType("user").partitionCounts());
        assertEquals(7, m.entityType("item").count());
        assertEquals(2, m.lhsPartitions());
        assertEquals(2, m.rhsPartitions());
        assertEquals(80, m.split("train").edges());
        assertEquals(1, m.split("valid").edges());
        assertEquals(2, m.split("valid").unknownEntityEdges());
        assertEquals(List.of("ghost\tfollows\tu2", "u1\tbuys\tnever-seen"), m.split("valid").unknownEntitySample().stream().sorted().toList(),
                "the unmapped edges are named");
        assertEquals(List.of("buys", "follows"), m.relations().stream().map(ImportManifest.RelationInfo::name).toList());

        ImportedGraph g = ImportedGraph.open(FileSystem.getLocal(new Configuration()), new org.apache.hadoop.fs.Path(out + "/graph"));
        Map<String, List<String>> names = Map.of(
                "user0", g.entityNames("user", 0), "user1", g.entityNames("user", 1), "item0", g.entityNames("item", 0));
        List<String> rels = g.relationNames();
        List<String> back = new ArrayList<>();
        Set<Bucket> seen = new HashSet<>();
        for (Bucket b : g.nonEmptyBuckets("train")) {
            seen.add(b);
            EdgeBlock block = g.readBucket("train", b);
            for (int i = 0; i < block.size(); i++) {
                String rel = rels.get(block.relation(i));
                String rhsType = rel.equals("buys") ? "item" : "user";
                assertTrue(rel.equals("follows") || b.rhsPartition() == 0, "item is unpartitioned: rhs partition 0");
                back.add(names.get("user" + b.lhsPartition()).get(block.lhs(i)) + "\t" + rel + "\t"
                        + names.get(rhsType + b.rhsPartition()).get(block.rhs(i)) + "\t" + block.weight(i));
            }
        }
        List<String> expected = new ArrayList<>();
        for (String l : input) {
            String[] f = l.split("\t");
            expected.add(f[0] + "\t" + f[1] + "\t" + f[2] + "\t" + Float.parseFloat(f[3]));
        }
        back.sort(null);
        expected.sort(null);
        assertEquals(expected, back, "every input edge is in exactly one bucket, mapped back to its names");
        assertTrue(seen.size() >= 3, "edges spread over the grid: " + seen);
    }

    /**
     * Bucket files are written without Hadoop's {@code .crc} sidecars (their CRC32C is in the bucket index:
     * {@code OwnChecksums}), and a flipped byte is still refused on read, naming the file.
     */
    @Test
    void bucket_files_carry_no_sidecar_and_a_flipped_byte_is_refused_by_their_own_checksum() throws Exception {
        writeTrain();
        Path out = dir.resolve("ws");
        ImportJob.run(SparkTestSupport.spark(), SparkTestSupport.config(conf(out)));
        ImportedGraph g = ImportedGraph.open(FileSystem.getLocal(new Configuration()), new org.apache.hadoop.fs.Path(out + "/graph"));
        Bucket bucket = g.nonEmptyBuckets("train").get(0);
        BucketIndex.Entry entry = g.bucketIndex("train").files(bucket).get(0);
        Path file = Path.of(g.layout().bucketFile("train", bucket, entry.slot(), entry.attempt()).toUri().getPath());
        try (var files = Files.walk(out.resolve("graph"))) {
            assertEquals(List.of(), files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".ebk.crc")).toList(),
                    "no Hadoop sidecar in the dataset's bucket files");
        }
        long before = g.readBucket("train", bucket).size();
        assertTrue(before > 0);

        byte[] b = Files.readAllBytes(file);
        b[32 + 4] ^= 0x01; // the first record's lhs offset (after the 32-byte header): a file that still parses
        Files.write(file, b);
        IOException e = assertThrows(IOException.class, () -> g.readBucket("train", bucket));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("re-run import"), e.getMessage());
    }

    @Test
    void refuses_an_existing_output_unless_overwrite_and_replaces_it_cleanly() throws Exception {
        writeTrain();
        Path out = dir.resolve("ws2");
        ImportJob.run(SparkTestSupport.spark(), SparkTestSupport.config(conf(out)));
        IOException e = assertThrows(IOException.class,
                () -> ImportJob.run(SparkTestSupport.spark(), SparkTestSupport.config(conf(out))));
        assertTrue(e.getMessage().contains("already exists") && e.getMessage().contains("import.overwrite=true"), e.getMessage());
        ImportManifest again = ImportJob.run(SparkTestSupport.spark(), SparkTestSupport.config(conf(out), "import.overwrite=true"));
        assertEquals(80, again.split("train").edges());
        try (var s = Files.list(out)) {
            assertEquals(List.of("graph"), s.map(p -> p.getFileName().toString()).toList(), "no temporary or old directories left");
        }
    }

    @Test
    void ids_are_deterministic_whatever_the_input_order() throws Exception {
        writeTrain();
        Path a = dir.resolve("wa");
        ImportJob.run(SparkTestSupport.spark(), SparkTestSupport.config(conf(a)));
        List<String> lines = new ArrayList<>(Files.readAllLines(dir.resolve("train.tsv")));
        java.util.Collections.reverse(lines);
        Files.write(dir.resolve("train.tsv"), lines);
        Path b = dir.resolve("wb");
        ImportJob.run(SparkTestSupport.spark(), SparkTestSupport.config(conf(b)));
        for (String f : new String[] {"entities/user/part-00000.txt", "entities/user/part-00001.txt", "entities/item/part-00000.txt"}) {
            assertEquals(Files.readAllLines(a.resolve("graph/" + f)), Files.readAllLines(b.resolve("graph/" + f)), f);
        }
    }

    /**
     * 8 x 8 = 64 buckets from 4 input tasks: one slot, so exactly one file per bucket (not one per task and bucket),
     * and the dataset opens from its index; 1 x 1 from the same tasks: one bucket written by 4 writers, in 4 slot files.
     * The 4 tasks are the joins' (the tests' shuffle partitions) when the edges are joined with the dictionary, and the
     * input's 4 files when they are looked up where they are read.
     */
    @ParameterizedTest(name = "import.mapSideDictionary = {0}")
    @ValueSource(longs = {0, 1_000_000})
    void writes_each_bucket_as_a_bounded_number_of_files(long mapSide) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int u = 0; u < 3000; u++) {
            lines.add("u" + u + "\tfollows\tu" + ((u * 7 + 3) % 3000));
            lines.add("u" + u + "\tfollows\tu" + ((u * 13 + 5) % 3000));
        }
        Files.createDirectories(dir.resolve("grid"));
        for (int f = 0; f < 4; f++) {
            Files.write(dir.resolve("grid/part-" + f + ".tsv"), lines.subList(f * lines.size() / 4, (f + 1) * lines.size() / 4));
        }
        for (int p : new int[] {8, 1}) {
            Path out = dir.resolve("grid" + p);
            String conf = """
                    workspace = "%s"
                    data { train = "%s", format = tsv }
                    graph.entities.user.partitions = %d
                    graph.relations.dynamic = false
                    graph.relations.types.follows { lhs = user, rhs = user }
                    import.mapSideDictionary = %d
                    """.formatted(out, dir.resolve("grid"), p, mapSide);
            // 4 input tasks (the tests' shuffle partitions), not coalesced: several tasks meet every bucket, which is
            // where one file per (task, bucket) and one per bucket differ
            var spark = SparkTestSupport.spark();
            spark.conf().set("spark.sql.adaptive.coalescePartitions.enabled", "false");
            ImportManifest m;
            try {
                m = ImportJob.run(spark, SparkTestSupport.config(conf));
            } finally {
                spark.conf().unset("spark.sql.adaptive.coalescePartitions.enabled");
            }
            ImportedGraph g = ImportedGraph.open(FileSystem.getLocal(new Configuration()), new org.apache.hadoop.fs.Path(out + "/graph"));
            BucketIndex index = g.bucketIndex("train");
            int slots = m.split("train").bucketIndex().slots();
            assertEquals(p == 8 ? 1 : 4, slots, "slots = ceil(4 input tasks / buckets)");
            int files;
            try (var s = Files.list(out.resolve("graph/buckets/train"))) {
                files = (int) s.filter(f -> f.toString().endsWith(".ebk")).count();
            }
            assertEquals(index.fileCount(), files, "every file on disk is indexed, no stray files");
            long edges = 0;
            for (Bucket b : g.nonEmptyBuckets("train")) {
                assertTrue(index.files(b).size() <= slots, b + " has " + index.files(b).size() + " files, at most " + slots);
                edges += g.readBucket("train", b).size();
            }
            assertEquals(6000, edges);
            assertEquals(6000, m.split("train").edges());
            assertTrue(files <= p * p * slots, files + " files for " + p * p + " buckets");
            if (p == 8) {
                assertEquals(64, g.nonEmptyBuckets("train").size(), "3000 users' edges fill the 8 x 8 grid");
                assertEquals(64, files, "one file per bucket");
            }
        }
    }

    /**
     * A small split joined against a big dictionary: adaptive execution must not coalesce the joins' partitions, or
     * a few tasks would each hash most of the dictionary in memory (a 100,000-edge test split against 28.6M names ran
     * out of a 2 GB heap at 1B edges).
     */
    @Test
    void the_dictionary_joins_keep_their_partitions_however_small_the_split() {
        org.apache.spark.sql.SparkSession spark = SparkTestSupport.spark();
        List<org.apache.spark.sql.Row> names = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            names.add(org.apache.spark.sql.RowFactory.create(0, "n" + i, i % 2, i / 2));
        }
        org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> dict = spark.createDataFrame(names, DictionaryBuilder.SCHEMA);
        List<org.apache.spark.sql.Row> edges = List.of(
                org.apache.spark.sql.RowFactory.create(0, "n7", "r", 0, "n4000", 1f, null, "f", 0L, null),
                org.apache.spark.sql.RowFactory.create(0, "n1", "r", 0, "ghost", 1f, null, "f", 1L, null));
        org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> mapped =
                ImportJob.mapped(spark, spark.createDataFrame(edges, RawEdges.SCHEMA), dict, List.of("r"), true, 4);
        List<String> got = mapped.collectAsList().stream()
                .map(r -> r.get(0) + " " + r.get(1) + "/" + r.get(2) + " " + r.get(3) + "/" + r.get(4)).sorted().toList();
        assertEquals(List.of("0 1/0 null/null", "0 1/3 0/2000"), got, "n7 = 1/3, n4000 = 0/2000, n1 = 1/0, ghost unknown");
        String plan = mapped.queryExecution().executedPlan().toString();
        assertTrue(plan.contains("hashpartitioning(lhsType") && plan.contains("hashpartitioning(rhsType"), plan);
        assertTrue(!plan.contains("coalesced"), "no join's partitions coalesced: " + plan);
    }
}
