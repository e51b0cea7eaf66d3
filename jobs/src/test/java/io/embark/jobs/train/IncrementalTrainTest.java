package io.embark.jobs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.embark.embedding.model.RelationParameters;
import io.embark.embedding.storage.CheckpointInfo;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.embedding.storage.EmbeddingTable;
import io.embark.jobs.Main;
import io.embark.jobs.Workspaces;
import io.embark.jobs.config.ConfigLoader;
import io.embark.jobs.config.JobConfig;
import io.embark.jobs.imports.ImportJobTestAccess;
import io.embark.partitioning.Bucket;
import io.embark.partitioning.EdgeBlock;
import io.embark.partitioning.ImportedGraph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Warm-started training on a grown graph ({@code training.init}, {@code training.freeze}, {@code training.replay}):
 * a base graph of 340 entities in 10 planted clusters is imported and trained; 60 new entities of the same clusters
 * arrive with their edges to known ones, imported against the base. With {@code freeze = existing} every known row and
 * relation stays bit-identical while the new entities learn their clusters (held-out edges of new entities ranked far
 * above chance); new rows start from the mean of their trained neighbours; replay samples the base's edges of an
 * append import; and a path, lineage or setting that does not fit is refused naming the key.
 */
@Timeout(900)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IncrementalTrainTest {

    private static final int CLUSTERS = 10;
    private static final int BASE = 340;
    private static final int ALL = 400;

    @TempDir
    static Path dir;

    private final List<String> baseTrain = new ArrayList<>();
    private final List<String> deltaTrain = new ArrayList<>();
    private final List<String> deltaTest = new ArrayList<>();

    /** Entity i is in cluster i % 10; every edge joins two entities of one cluster. */
    @BeforeAll
    void importAndTrainTheBase() throws Exception {
        Random random = new Random(11);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < ALL; i++) {
            boolean isNew = i >= BASE;
            int edges = isNew ? 8 : 10;
            for (int k = 0; k < edges; k++) {
                int j = BASE;
                while (j >= BASE || j == i) {
                    j = CLUSTERS * random.nextInt(BASE / CLUSTERS) + i % CLUSTERS; // a known entity of i's cluster
                }
                String e = "n" + i + "\tr" + (k % 2) + "\tn" + j;
                if (!seen.add(e)) {
                    continue;
                }
                if (!isNew) {
                    baseTrain.add(e);
                } else if (k < 6) {
                    deltaTrain.add(e);
                } else {
                    deltaTest.add(e);
                }
            }
        }
        Files.write(dir.resolve("base-train.tsv"), baseTrain);
        Files.write(dir.resolve("delta-train.tsv"), deltaTrain);
        Files.write(dir.resolve("delta-test.tsv"), deltaTest);
        run("import", conf("base", "base-train.tsv", null));
        run("train", conf("base", "base-train.tsv", null));
        run("import", conf("delta", "delta-train.tsv", "delta-test.tsv"), "import.base=" + dir.resolve("base/graph"), "import.mode=delta");
        run("import", conf("append", "delta-train.tsv", "delta-test.tsv"), "import.base=" + dir.resolve("base/graph"), "import.mode=append");
    }

    private String conf(String workspace, String train, String test) {
        return """
                workspace = "%s"
                data { train = "%s", %s format = tsv }
                graph { entities.node.partitions = 2, relations { dynamic = true, lhs = node, rhs = node } }
                model { dimension = 32, comparator = dot, relation.operator = complex_diagonal }
                training { epochs = 10, loss = softmax, learningRate = 0.1, threads = 1, seed = 3, negatives { chunkSize = 50, uniform = 50 } }
                eval { split = test, candidates = all }
                """.formatted(dir.resolve(workspace), dir.resolve(train), test == null ? "" : "test = \"" + dir.resolve(test) + "\",");
    }

    private static void run(String stage, String conf, String... sets) throws Exception {
        Main.runStage(stage, ImportJobTestAccess.spark(), JobConfig.read(ConfigLoader.fromText(conf, "test.conf", List.of(sets))));
    }

    private static CheckpointStore checkpoints(Path workspace) throws java.io.IOException {
        return new CheckpointStore(FileSystem.getLocal(new Configuration()).getRawFileSystem(),
                new org.apache.hadoop.fs.Path(workspace.resolve("checkpoints").toString()));
    }

    private static ImportedGraph graph(Path workspace) throws Exception {
        return ImportedGraph.open(FileSystem.getLocal(new Configuration()), new org.apache.hadoop.fs.Path(workspace.resolve("graph").toString()));
    }

    private static double mrr(Path workspace) throws Exception {
        Path metrics;
        try (var s = Files.list(workspace.resolve("checkpoints"))) {
            metrics = s.filter(p -> Files.exists(p.resolve("metrics-test-all.json"))).findFirst().orElseThrow().resolve("metrics-test-all.json");
        }
        return ((Number) new ObjectMapper().readValue(metrics.toFile(), Map.class).get("mrr")).doubleValue();
    }

    @Test
    void freezing_keeps_every_known_row_and_relation_while_the_new_entities_learn() throws Exception {
        Path ws = dir.resolve("delta");
        String conf = conf("delta", "delta-train.tsv", "delta-test.tsv");
        // keep every version: the warm start (v0) is compared with the last
        String[] sets = {"training.init=" + dir.resolve("base/checkpoints"), "training.freeze=existing", "training.keepCheckpoints=20"};
        run("train", conf, sets);
        run("eval", conf, sets);

        CheckpointStore base = checkpoints(dir.resolve("base"));
        int baseVersion = base.latestVersion().orElseThrow();
        CheckpointStore now = checkpoints(ws);
        int last = now.latestVersion().orElseThrow();
        assertEquals(10, now.info(last).epochs(), "trained 10 epochs after the warm start");
        int newRowsMoved = 0;
        for (int p = 0; p < 2; p++) {
            EmbeddingTable before = base.table(baseVersion, "node", p);
            EmbeddingTable start = now.table(0, "node", p);
            EmbeddingTable after = now.table(last, "node", p);
            assertTrue(after.rows() > before.rows(), "partition " + p + " gained the new entities");
            for (int i = 0; i < before.rows(); i++) {
                assertArrayEquals(before.row(i), after.row(i), "partition " + p + " row " + i + ": a known row is bit-identical");
                assertEquals(before.state(i)[before.stateOffset(i)], after.state(i)[after.stateOffset(i)], "its Adagrad state too");
            }
            for (int i = before.rows(); i < after.rows(); i++) {
                newRowsMoved += java.util.Arrays.equals(start.row(i), after.row(i)) ? 0 : 1;
            }
        }
        assertEquals(ALL - BASE, newRowsMoved, "every new entity's row trained");
        RelationParameters r0 = base.relations(baseVersion);
        RelationParameters r1 = now.relations(last);
        for (int r = 0; r < r0.count(); r++) {
            assertArrayEquals(r0.params(r, 0), r1.params(r, 0), "relation " + r + " is bit-identical");
        }

        // held-out edges of new entities to known ones of their cluster, ranked against all 400 entities (filtered):
        // chance is about 0.016 (H(400)/400); knowing the cluster, about 0.13
        double mrr = mrr(ws);
        System.out.printf("RESULT freeze = existing, new entities' test edges: filtered MRR %.4f%n", mrr);
        assertTrue(mrr > 0.06, "new entities learned their clusters: filtered MRR " + mrr);

        CheckpointInfo info = now.info(last);
        assertNotNull(info.lineage(), "every version records where it started");
        assertEquals(base.versionDir(baseVersion).toString(), info.lineage().initCheckpoint());
        assertEquals(dir.resolve("base/graph").toString(), new org.apache.hadoop.fs.Path(info.lineage().baseDataset()).toUri().getPath());
    }

    @Test
    void a_new_entity_starts_from_the_mean_of_its_trained_neighbours() throws Exception {
        Path ws = dir.resolve("warm-start");
        Workspaces.copy(dir.resolve("delta/graph"), ws.resolve("graph"));
        String conf = conf("warm-start", "delta-train.tsv", "delta-test.tsv");
        run("train", conf, "training.init=" + dir.resolve("base/checkpoints"), "training.epochs=1");

        CheckpointStore base = checkpoints(dir.resolve("base"));
        int baseVersion = base.latestVersion().orElseThrow();
        CheckpointStore now = checkpoints(ws);
        ImportedGraph g = graph(ws);
        int[] known = {base.table(baseVersion, "node", 0).rows(), base.table(baseVersion, "node", 1).rows()};
        // sum the init rows of each new entity's known neighbours, from the dataset's own edges
        Map<String, float[]> sums = new HashMap<>();
        Map<String, Integer> counts = new HashMap<>();
        for (Bucket b : g.nonEmptyBuckets("train")) {
            EdgeBlock e = g.readBucket("train", b);
            for (int i = 0; i < e.size(); i++) {
                int[][] sides = {{b.lhsPartition(), e.lhs(i), b.rhsPartition(), e.rhs(i)}, {b.rhsPartition(), e.rhs(i), b.lhsPartition(), e.lhs(i)}};
                for (int[] s : sides) {
                    if (s[1] >= known[s[0]] && s[3] < known[s[2]]) {
                        float[] n = base.table(baseVersion, "node", s[2]).row(s[3]);
                        float[] sum = sums.computeIfAbsent(s[0] + "/" + s[1], k -> new float[n.length]);
                        for (int k = 0; k < n.length; k++) {
                            sum[k] += n[k];
                        }
                        counts.merge(s[0] + "/" + s[1], 1, Integer::sum);
                    }
                }
            }
        }
        assertEquals(ALL - BASE, sums.size(), "every new entity has a known neighbour in this graph");
        for (Map.Entry<String, float[]> e : sums.entrySet()) {
            int p = Integer.parseInt(e.getKey().split("/")[0]);
            int row = Integer.parseInt(e.getKey().split("/")[1]);
            float[] start = now.table(0, "node", p).row(row);
            for (int k = 0; k < start.length; k++) {
                assertEquals(e.getValue()[k] / counts.get(e.getKey()), start[k], 1e-5f, "row " + e.getKey() + " starts at its neighbours' mean");
            }
        }
        for (int p = 0; p < 2; p++) {
            EmbeddingTable before = base.table(baseVersion, "node", p);
            EmbeddingTable start = now.table(0, "node", p);
            for (int i = 0; i < before.rows(); i++) {
                assertArrayEquals(before.row(i), start.row(i), "known rows start where the base checkpoint left them");
            }
        }
        assertEquals(0, now.info(0).epochs(), "the warm start is version 0, before any epoch");
        assertFalse(now.info(1).stats().isEmpty());
    }

    /**
     * {@code training.newRowNegatives} from the config to the sampler: with the whole draw from the new rows, a known row
     * that no new edge touches is never a positive nor a negative, so it keeps its exact vector and Adagrad state; with
     * the default 0 the uniform draws reach most of them.
     */
    @Test
    void new_row_negatives_leave_the_known_rows_no_new_edge_touches_where_they_were() throws Exception {
        CheckpointStore base = checkpoints(dir.resolve("base"));
        int baseVersion = base.latestVersion().orElseThrow();
        Map<String, Integer> moved = new HashMap<>();
        int untouched = 0;
        for (String share : List.of("0", "1")) {
            Path ws = dir.resolve("new-row-negatives-" + share);
            Workspaces.copy(dir.resolve("delta/graph"), ws.resolve("graph"));
            run("train", conf("new-row-negatives-" + share, "delta-train.tsv", "delta-test.tsv"),
                    "training.init=" + dir.resolve("base/checkpoints"), "training.epochs=1", "training.newRowNegatives=" + share);
            CheckpointStore now = checkpoints(ws);
            int last = now.latestVersion().orElseThrow();
            ImportedGraph g = graph(ws);
            Set<String> touched = new HashSet<>();
            for (Bucket b : g.nonEmptyBuckets("train")) {
                EdgeBlock e = g.readBucket("train", b);
                for (int i = 0; i < e.size(); i++) {
                    touched.add(b.lhsPartition() + "/" + e.lhs(i));
                    touched.add(b.rhsPartition() + "/" + e.rhs(i));
                }
            }
            int count = 0;
            untouched = 0;
            for (int p = 0; p < 2; p++) {
                EmbeddingTable before = base.table(baseVersion, "node", p);
                EmbeddingTable after = now.table(last, "node", p);
                for (int i = 0; i < before.rows(); i++) {
                    if (!touched.contains(p + "/" + i)) {
                        untouched++;
                        boolean same = java.util.Arrays.equals(before.row(i), after.row(i))
                                && before.state(i)[before.stateOffset(i)] == after.state(i)[after.stateOffset(i)];
                        count += same ? 0 : 1;
                    }
                }
            }
            moved.put(share, count);
        }
        assertTrue(untouched > 50, "the new edges leave " + untouched + " known rows untouched, enough to tell");
        assertEquals(0, moved.get("1"), "newRowNegatives 1: known rows that no new edge touches moved");
        assertTrue(moved.get("0") > untouched / 2, "newRowNegatives 0 (uniform over all rows): only " + moved.get("0")
                + " of " + untouched + " untouched known rows moved");
    }

    @Test
    void replay_trains_a_sample_of_the_base_edges_of_an_append_import() throws Exception {
        long delta = deltaTrain.size();
        long all = delta + baseTrain.size();
        Map<String, Long> trained = new HashMap<>();
        for (String replay : List.of("0", "0.5", "1")) {
            Path ws = dir.resolve("replay-" + replay);
            Workspaces.copy(dir.resolve("append/graph"), ws.resolve("graph"));
            run("train", conf("replay-" + replay, "delta-train.tsv", "delta-test.tsv"), "training.init=" + dir.resolve("base/checkpoints"),
                    "training.epochs=1", "training.replay=" + replay);
            CheckpointStore c = checkpoints(ws);
            trained.put(replay, c.info(c.latestVersion().orElseThrow()).stats().get(0).edges());
        }
        assertEquals(delta, trained.get("0"), "replay 0: the new edges only");
        assertEquals(all, trained.get("1"), "replay 1: every edge");
        long half = trained.get("0.5") - delta;
        assertTrue(Math.abs(half - baseTrain.size() / 2.0) < 4 * Math.sqrt(baseTrain.size() / 4.0),
                "replay 0.5: about half the base's " + baseTrain.size() + " edges, got " + half);
    }

    @Test
    void what_does_not_fit_is_refused_naming_the_key() throws Exception {
        String conf = conf("refused", "delta-train.tsv", "delta-test.tsv");
        Workspaces.copy(dir.resolve("delta/graph"), dir.resolve("refused/graph"));
        Exception missing = assertThrows(Exception.class, () -> run("train", conf, "training.init=" + dir.resolve("nowhere")));
        assertTrue(missing.getMessage().contains("training.init") && missing.getMessage().contains("does not exist"), missing.getMessage());

        // a checkpoint of the delta's own dataset cannot start the base's model: the base is not its lineage
        Path other = dir.resolve("other");
        Workspaces.copy(dir.resolve("base/graph"), other.resolve("graph"));
        Workspaces.copy(dir.resolve("delta/graph"), dir.resolve("delta-trained/graph"));
        run("train", conf("delta-trained", "delta-train.tsv", "delta-test.tsv"), "training.epochs=1");
        Exception lineage = assertThrows(Exception.class, () -> run("train", conf("other", "base-train.tsv", null),
                "training.init=" + dir.resolve("delta-trained/checkpoints")));
        assertTrue(lineage.getMessage().contains("training.init") && lineage.getMessage().contains("expected a checkpoint of this dataset or of its base"),
                lineage.getMessage());

        Exception freeze = assertThrows(Exception.class, () -> run("train", conf, "training.freeze=existing"));
        assertTrue(freeze.getMessage().contains("training.freeze"), freeze.getMessage());

        Exception replay = assertThrows(Exception.class, () -> run("train", conf, "training.init=" + dir.resolve("base/checkpoints"),
                "training.replay=0.5"));
        assertTrue(replay.getMessage().contains("training.replay") && replay.getMessage().contains("import.mode = append"), replay.getMessage());
        assertFalse(Files.exists(dir.resolve("refused/checkpoints/v00000000")), "a refused run leaves no checkpoint");

        // replay 0 on a delta-mode dataset asks for what it holds, the new edges only: accepted
        Workspaces.copy(dir.resolve("delta/graph"), dir.resolve("replay-delta/graph"));
        run("train", conf("replay-delta", "delta-train.tsv", "delta-test.tsv"), "training.init=" + dir.resolve("base/checkpoints"),
                "training.epochs=1", "training.replay=0");
        CheckpointStore c = checkpoints(dir.resolve("replay-delta"));
        assertEquals(deltaTrain.size(), c.info(c.latestVersion().orElseThrow()).stats().get(0).edges());
    }
}
