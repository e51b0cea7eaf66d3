package io.embark.embedding.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embark.embedding.CheckpointFixture;
import io.embark.embedding.GraphFixture;
import io.embark.embedding.config.ComparatorType;
import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.OperatorType;
import io.embark.embedding.config.RegularizerType;
import io.embark.embedding.config.RelationConfig;
import io.embark.embedding.model.RelationParameters;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.embedding.storage.EmbeddingTable;
import io.embark.partitioning.Bucket;
import io.embark.partitioning.ImportedGraph;
import io.embark.partitioning.PartitionAssignment;
import io.embark.partitioning.Side;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Ranking on random graphs and random models checked against a brute force that scores every candidate one by one
 * with {@link TrainedModel#score}. Embeddings and operator parameters are small integers, so every score is exact in
 * float whatever the summation order, and ties (frequent here) must be counted exactly as the realistic rank says.
 */
class BruteForceRankingTest {

    private static final int N = 23;
    private static final int P = 3;
    private static final int DIM = 4;
    private static final List<String> RELATIONS = List.of("r0", "r1", "r2", "r3");

    @TempDir
    Path tmp;

    private Map<String, List<int[]>> splits;
    private ImportedGraph graph;
    private TrainedModel model;

    private void randomSetup(long seed, ComparatorType comparator, boolean reciprocal) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        FileSystem fs = GraphFixture.localFs();
        splits = new LinkedHashMap<>();
        int[] sizes = {90, 10, 30};
        String[] names = {"train", "valid", "test"};
        for (int s = 0; s < names.length; s++) {
            List<int[]> edges = new ArrayList<>();
            for (int i = 0; i < sizes[s]; i++) {
                edges.add(new int[] {random.nextInt(N), random.nextInt(RELATIONS.size()), random.nextInt(N)});
            }
            splits.put(names[s], edges);
        }
        List<String> entityNames = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            entityNames.add("n" + i);
        }
        graph = GraphFixture.write(fs, new org.apache.hadoop.fs.Path(tmp.resolve("graph-" + seed).toString()), entityNames,
                RELATIONS, P, splits);
        ModelConfig config = new ModelConfig(DIM, Map.of(), comparator, RelationConfig.of(OperatorType.NONE),
                Map.of("r1", RelationConfig.of(OperatorType.TRANSLATION), "r2", RelationConfig.of(OperatorType.DIAGONAL),
                        "r3", RelationConfig.of(OperatorType.COMPLEX_DIAGONAL)),
                reciprocal, 1e-3, Optional.empty(), RegularizerType.NONE, 0);
        RelationParameters relations = RelationParameters.create(config, RELATIONS, new int[] {DIM, DIM, DIM, DIM});
        for (int r = 0; r < RELATIONS.size(); r++) {
            for (int slot = 0; slot < relations.slots(); slot++) {
                float[] p = relations.params(r, slot);
                for (int k = 0; k < p.length; k++) {
                    p[k] = random.nextInt(-1, 3);
                }
            }
        }
        List<EmbeddingTable> tables = new ArrayList<>();
        for (int p = 0; p < P; p++) {
            int rows = (int) PartitionAssignment.partitionSize(N, P, p);
            float[] data = new float[rows * DIM];
            for (int k = 0; k < data.length; k++) {
                data[k] = random.nextInt(-2, 3);
            }
            tables.add(new EmbeddingTable("e", p, rows, DIM, data, new float[rows]));
        }
        CheckpointStore store = CheckpointFixture.write(fs, new org.apache.hadoop.fs.Path(tmp.resolve("ckpt-" + seed).toString()),
                3, config, relations, tables, List.of());
        model = TrainedModel.latest(store);
    }

    private float[] row(long entity) throws Exception {
        return model.table("e", PartitionAssignment.partition(entity, P)).row(PartitionAssignment.offset(entity, P));
    }

    private float score(int r, Side predicted, long known, long candidate) throws Exception {
        float[] q = new float[DIM];
        model.query(r, predicted, row(known), 0, q, 0);
        return model.score(q, 0, row(candidate), 0, DIM);
    }

    /** The totals a brute force gives, over the candidates {@code candidates.apply(edge index in bucket, ...)}. */
    private RankingTotals bruteForce(List<String> filterSplits, Candidates candidates) throws Exception {
        Set<List<Integer>> known = new HashSet<>();
        for (String s : filterSplits) {
            for (int[] e : splits.get(s)) {
                known.add(List.of(e[0], e[1], e[2]));
            }
        }
        RankingTotals totals = new RankingTotals(RELATIONS.size());
        Map<Bucket, Integer> indexInBucket = new HashMap<>();
        for (int[] e : splits.get("test")) {
            Bucket bucket = new Bucket(e[0] % P, e[2] % P);
            int index = indexInBucket.merge(bucket, 1, Integer::sum) - 1;
            for (Side predicted : Side.values()) {
                long target = predicted.pick(e[0], e[2]);
                long other = predicted.pick(e[2], e[0]);
                List<Long> pool = new ArrayList<>();
                if (candidates instanceof Candidates.Sampled sampled) {
                    int tp = (int) (target % P);
                    for (int off : RankingTask.draws(sampled, bucket, index, predicted,
                            (int) PartitionAssignment.partitionSize(N, P, tp))) {
                        pool.add(PartitionAssignment.rank(tp, off, P));
                    }
                } else {
                    for (long c = 0; c < N; c++) {
                        pool.add(c);
                    }
                }
                float pos = score(e[1], predicted, other, target);
                for (boolean filtered : new boolean[] {false, true}) {
                    if (filtered && filterSplits.isEmpty()) {
                        continue;
                    }
                    long greater = 0;
                    long equal = 0;
                    long negatives = 0;
                    long greaterWithoutQuery = 0;
                    long equalWithoutQuery = 0;
                    for (long c : pool) {
                        List<Integer> asEdge = predicted == Side.RHS ? List.of(e[0], e[1], (int) c) : List.of((int) c, e[1], e[2]);
                        if (c == target || (filtered && known.contains(asEdge))) {
                            continue;
                        }
                        float s = score(e[1], predicted, other, c);
                        greater += s > pos ? 1 : 0;
                        equal += s == pos ? 1 : 0;
                        negatives++;
                        if (c != other) {
                            greaterWithoutQuery += s > pos ? 1 : 0;
                            equalWithoutQuery += s == pos ? 1 : 0;
                        }
                    }
                    List<Integer> selfEdge = predicted == Side.RHS ? List.of(e[0], e[1], e[0]) : List.of(e[2], e[1], e[2]);
                    boolean selfAbove = other != target && !(filtered && known.contains(selfEdge))
                            && score(e[1], predicted, other, other) > pos;
                    totals.add(filtered, predicted, e[1], RankingMetrics.realisticRank(greater, equal),
                            RankingMetrics.realisticRank(greaterWithoutQuery, equalWithoutQuery), negatives, selfAbove);
                }
            }
        }
        return totals;
    }

    private RankingTotals byTasks(RankingOptions options, int pieces) throws Exception {
        RankingTask task = new RankingTask(graph, model, options);
        RankingTotals totals = new RankingTotals(RELATIONS.size());
        for (EvalSlice slice : EvalSlice.plan(graph, "test", Long.MAX_VALUE, pieces)) {
            totals.merge(task.rank(slice));
        }
        return totals;
    }

    @ParameterizedTest
    @CsvSource({"1, dot, false", "2, dot, true", "3, squared_l2, false", "4, l2, true", "5, l2, false"})
    void exact_ranking_equals_brute_force_raw_and_filtered(long seed, String comparator, boolean reciprocal) throws Exception {
        randomSetup(seed, ComparatorType.parse("model.comparator", comparator), reciprocal);
        List<String> filter = List.of("train", "valid", "test");
        RankingTotals expected = bruteForce(filter, new Candidates.All());
        RankingOptions options = new RankingOptions("test", filter, new Candidates.All());
        RankingTotals oneTask = byTasks(options, 1);
        assertArrayEquals(expected.sums(), oneTask.sums(), 1e-9);
        assertArrayEquals(expected.sums(), byTasks(options, 7).sums(), 1e-9, "the split into tasks changes nothing");
        assertEquals(2L * splits.get("test").size(), oneTask.overall(true).count());
        assertTrue(oneTask.overall(true).mrr() >= oneTask.overall(false).mrr(), "filtering never lowers the MRR");
        assertTrue(oneTask.overall(false).queryAbove() > 0, "the untrained model's query entity outranks some answers, "
                + "so the comparison covers the query-entity count: " + oneTask.overall(false));
        assertTrue(oneTask.overall(true).mrrWithoutQuery() > oneTask.overall(true).mrr(), "leaving out a query entity that "
                + "outranks answers raises the MRR: " + oneTask.overall(true));
        assertArrayEquals(bruteForce(List.of(), new Candidates.All()).sums(),
                byTasks(new RankingOptions("test", List.of(), new Candidates.All()), 2).sums(), 1e-9);
    }

    @ParameterizedTest
    @CsvSource({"6, dot, false", "7, squared_l2, true"})
    void sampled_ranking_equals_brute_force_over_the_same_draws(long seed, String comparator, boolean reciprocal) throws Exception {
        randomSetup(seed, ComparatorType.parse("model.comparator", comparator), reciprocal);
        List<String> filter = List.of("train", "test");
        Candidates sampled = new Candidates.Sampled(5, 42);
        RankingTotals expected = bruteForce(filter, sampled);
        RankingOptions options = new RankingOptions("test", filter, sampled);
        assertArrayEquals(expected.sums(), byTasks(options, 1).sums(), 1e-9);
        assertArrayEquals(expected.sums(), byTasks(options, 4).sums(), 1e-9);
    }
}
