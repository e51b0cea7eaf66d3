package io.embark.jobs.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embark.jobs.config.ConfigException;
import io.embark.partitioning.Bucket;
import io.embark.partitioning.EdgeBlock;
import io.embark.partitioning.ImportManifest;
import io.embark.partitioning.ImportedGraph;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * import.base: a dataset that extends another keeps every known entity's (partition, offset) and every relation's id,
 * appends new entities so partitions stay balanced, holds the base's edges plus the new ones (append) or the new ones
 * only (delta), never touches the base, and refuses a base that does not fit, naming the key.
 */
@Timeout(600)
class IncrementalImportTest {

    @TempDir
    Path dir;

    private final List<String> baseTrain = new ArrayList<>();
    private final List<String> baseValid = new ArrayList<>();
    private final List<String> deltaTrain = new ArrayList<>();

    private String conf(Path workspace, String train, String valid, int partitions) {
        return """
                workspace = "%s"
                data { train = "%s", valid = [%s], format = tsv }
                graph { entities.node.partitions = %d, relations.dynamic = true }
                """.formatted(workspace, train, valid, partitions);
    }

    @BeforeEach
    void write() throws IOException {
        for (int i = 0; i < 60; i++) {
            baseTrain.add("n" + i + "\tr" + (i % 2) + "\tn" + ((i * 7 + 1) % 60));
        }
        baseValid.add("n1\tr0\tn2");
        baseValid.add("n3\tr1\tn4");
        // the delta: known entities n40..n59 meet new ones n60..n89; r1 is known, r2 new
        for (int i = 40; i < 90; i++) {
            deltaTrain.add("n" + i + "\tr" + (1 + i % 2) + "\tn" + (40 + (i * 11 + 3) % 50));
        }
        Files.write(dir.resolve("base-train.tsv"), baseTrain);
        Files.write(dir.resolve("base-valid.tsv"), baseValid);
        Files.write(dir.resolve("delta-train.tsv"), deltaTrain);
    }

    private ImportManifest importBase() throws Exception {
        return ImportJob.run(SparkTestSupport.spark(), SparkTestSupport.config(conf(dir.resolve("base"), dir.resolve("base-train.tsv").toString(),
                "\"" + dir.resolve("base-valid.tsv") + "\"", 3)));
    }

    private ImportManifest importDelta(String mode, int partitions) throws Exception {
        return ImportJob.run(SparkTestSupport.spark(), SparkTestSupport.config(conf(dir.resolve(mode), dir.resolve("delta-train.tsv").toString(), "",
                partitions), "import.base=" + dir.resolve("base/graph"), "import.mode=" + mode));
    }

    private static ImportedGraph open(Path graph) throws IOException {
        return ImportedGraph.open(FileSystem.getLocal(new Configuration()), new org.apache.hadoop.fs.Path(graph.toString()));
    }

    /** The split's edges as "lhs rel rhs" lines, sorted. */
    private static List<String> edges(ImportedGraph g, String split) throws IOException {
        List<String> rels = g.relationNames();
        int parts = g.manifest().entityType("node").partitions();
        List<List<String>> names = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            names.add(g.entityNames("node", p));
        }
        List<String> out = new ArrayList<>();
        for (Bucket b : g.nonEmptyBuckets(split)) {
            EdgeBlock block = g.readBucket(split, b);
            for (int i = 0; i < block.size(); i++) {
                out.add(names.get(b.lhsPartition()).get(block.lhs(i)) + "\t" + rels.get(block.relation(i)) + "\t"
                        + names.get(b.rhsPartition()).get(block.rhs(i)));
            }
        }
        out.sort(null);
        return out;
    }

    /** Every file under {@code root} with its bytes' hash: what "unchanged" means for the base. */
    private static Map<String, Integer> snapshot(Path root) throws IOException {
        Map<String, Integer> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                m.put(root.relativize(p).toString(), java.util.Arrays.hashCode(Files.readAllBytes(p)));
            }
        }
        return m;
    }

    private static List<String> sorted(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        out.sort(null);
        return out;
    }

    @Test
    void append_keeps_every_known_id_and_holds_the_base_edges_and_the_new_ones() throws Exception {
        importBase();
        ImportedGraph base = open(dir.resolve("base/graph"));
        Map<String, Integer> before = snapshot(dir.resolve("base/graph"));

        ImportManifest m = importDelta("append", 3);
        ImportedGraph g = open(dir.resolve("append/graph"));

        assertEquals(before, snapshot(dir.resolve("base/graph")), "the base dataset is never written");
        for (int p = 0; p < 3; p++) {
            List<String> known = base.entityNames("node", p);
            List<String> now = g.entityNames("node", p);
            assertEquals(known, now.subList(0, known.size()), "partition " + p + ": every known entity keeps its offset");
        }
        assertEquals(90, m.entityType("node").count());
        long[] sizes = m.entityType("node").partitionCounts();
        assertEquals(30, sizes[0]);
        assertEquals(30, sizes[1]);
        assertEquals(30, sizes[2]);
        assertEquals(List.of("r0", "r1", "r2"), g.relationNames(), "known relations keep their ids, the new one comes after");

        assertEquals(sorted(baseTrain, deltaTrain), edges(g, "train"));
        assertEquals(sorted(baseValid, List.of()), edges(g, "valid"), "the base's valid split comes along");
        assertEquals(1, g.edgeSources().size(), "an appended dataset holds every known edge itself");
        assertEquals(110, m.split("train").edges());

        ImportManifest.Lineage l = m.lineage();
        assertEquals(FileSystem.getLocal(new Configuration()).makeQualified(new org.apache.hadoop.fs.Path(dir.resolve("base/graph").toString())),
                new org.apache.hadoop.fs.Path(l.base()), "the base, qualified");
        assertEquals(base.manifest().createdAt(), l.baseCreatedAt());
        assertEquals("append", l.mode());
        assertEquals(Map.of("node", 30L), l.newEntities());
        assertEquals(List.of("r2"), l.newRelations());
        assertEquals(50L, l.newEdges().get("train"));
        // base: r0 30, r1 30; new: r1 25, r2 25
        assertEquals(List.of(30L, 55L, 25L), m.relations().stream().map(ImportManifest.RelationInfo::edges).toList(),
                "edge counts per relation add the base's to the new ones");
    }

    @Test
    void delta_holds_only_the_new_edges_over_the_same_ids() throws Exception {
        importBase();
        ImportedGraph base = open(dir.resolve("base/graph"));
        ImportManifest m = importDelta("delta", 3);
        ImportedGraph g = open(dir.resolve("delta/graph"));
        for (int p = 0; p < 3; p++) {
            List<String> known = base.entityNames("node", p);
            assertEquals(known, g.entityNames("node", p).subList(0, known.size()));
        }
        assertEquals(sorted(deltaTrain, List.of()), edges(g, "train"));
        assertFalse(g.hasSplit("valid"), "delta mode carries none of the base's edges");
        assertEquals("delta", m.lineage().mode());
        // what filtered evaluation reads as known edges: the delta's own, then its base's
        List<ImportedGraph> sources = g.edgeSources();
        assertEquals(2, sources.size());
        assertEquals(base.manifest().createdAt(), sources.get(1).manifest().createdAt());
        assertEquals(sorted(baseValid, List.of()), edges(sources.get(1), "valid"));
    }

    @Test
    void a_base_that_does_not_fit_is_refused_naming_the_key_and_nothing_is_written() throws Exception {
        importBase();
        ConfigException parts = assertThrows(ConfigException.class, () -> importDelta("append", 2));
        assertTrue(parts.getMessage().startsWith("graph.entities.node.partitions: 2, but the base dataset"), parts.getMessage());
        assertFalse(Files.exists(dir.resolve("append")), "nothing written");

        ConfigException missing = assertThrows(ConfigException.class, () -> ImportJob.run(SparkTestSupport.spark(),
                SparkTestSupport.config(conf(dir.resolve("x"), dir.resolve("delta-train.tsv").toString(), "", 3),
                        "import.base=" + dir.resolve("nowhere"))));
        assertTrue(missing.getMessage().startsWith("import.base: ") && missing.getMessage().contains("does not exist"), missing.getMessage());

        ConfigException self = assertThrows(ConfigException.class, () -> ImportJob.run(SparkTestSupport.spark(),
                SparkTestSupport.config(conf(dir.resolve("base"), dir.resolve("delta-train.tsv").toString(), "", 3),
                        "import.base=" + dir.resolve("base/graph"), "import.overwrite=true")));
        assertTrue(self.getMessage().contains("own output directory"), self.getMessage());
        assertTrue(Files.exists(dir.resolve("base/graph/manifest.json")), "the base is still there");
    }
}
