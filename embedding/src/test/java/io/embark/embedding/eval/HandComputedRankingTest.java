package io.embark.embedding.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import io.embark.partitioning.ImportedGraph;
import io.embark.partitioning.Side;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four entities with fixed 2-d embeddings, comparator dot, r0 without operator, r1 diagonal (1, 2):
 * <pre>
 *   e0 = (1, 0)   e1 = (0, 1)   e2 = (1, 1)   e3 = (1, 0)        train: (e0 r0 e2), (e1 r0 e2)
 *                                                                 test:  A (e0 r0 e3), B (e1 r1 e2), C (e2 r1 e2)
 * </pre>
 * Scores of every candidate (e0, e1, e2, e3), the positive marked *, and the realistic rank 1 + greater + equal/2:
 * <pre>
 *   A rhs  q = e0 = (1,0)         1  0  1  1*   raw: 0 greater, 2 equal -> 2     AUC (1 lower + 2/2) / 3 = 2/3
 *                                               filtered (e2 is a true tail of (e0 r0 ?)): 1 equal -> 1.5, AUC (1 + 1/2) / 2 = 3/4
 *   B rhs  q = (1,2)*e1 = (0,2)   0  2  2* 0    raw 1.5, AUC (2 + 1/2) / 3 = 5/6; filtered: the same (only e2 is true)
 *   C rhs  q = (1,2)*e2 = (1,2)   1  2  3* 1    rank 1, AUC 1, raw and filtered
 *   A lhs  q = e3 = (1,0)         1* 0  1  1    raw 2, AUC 2/3; filtered the same (only e0 is a true head of (? r0 e3))
 *   B lhs  q = (1,2)*e2 = (1,2)   1  2* 3  1    raw: e2 greater -> 2, AUC 2/3; filtered: e2 is true (C) -> 1, AUC 2/2 = 1
 *   C lhs  q = (1,2)*e2           1  2  3* 1    raw 1, AUC 1; filtered (drop e1): 1, AUC 1
 * </pre>
 * Raw ranks 2, 1.5, 1, 2, 2, 1: MRR = (1/2 + 2/3 + 1 + 1/2 + 1/2 + 1) / 6 = 25/36, mean rank 9.5/6, Hits@1 = 2/6,
 * Hits@3 = 1, AUC = (2/3 + 5/6 + 1 + 2/3 + 2/3 + 1) / 6 = 29/36.
 * Filtered ranks 1.5, 1.5, 1, 2, 1, 1: MRR = (2/3 + 2/3 + 1 + 1/2 + 1 + 1) / 6 = 29/36, mean rank 8/6, Hits@1 = 3/6,
 * AUC = (3/4 + 5/6 + 1 + 2/3 + 1 + 1) / 6 = 7/8. Filtered rhs only: MRR (2/3 + 2/3 + 1) / 3 = 7/9; lhs only: 5/6.
 * Relation r1 filtered (B rhs 1.5, C rhs 1, B lhs 1, C lhs 1): MRR (2/3 + 3) / 4 = 11/12, AUC (5/6 + 3) / 4 = 23/24.
 */
class HandComputedRankingTest {

    private static final double EPS = 1e-12;

    @TempDir
    Path tmp;

    private LinkPrediction eval;
    private Neighbors neighbors;

    @BeforeEach
    void writeGraphAndModel() throws Exception {
        FileSystem fs = GraphFixture.localFs();
        Map<String, List<int[]>> splits = new LinkedHashMap<>();
        splits.put("train", List.of(new int[] {0, 0, 2}, new int[] {1, 0, 2}));
        splits.put("test", List.of(new int[] {0, 0, 3}, new int[] {1, 1, 2}, new int[] {2, 1, 2}));
        ImportedGraph graph = GraphFixture.write(fs, new org.apache.hadoop.fs.Path(tmp.resolve("graph").toString()),
                List.of("e0", "e1", "e2", "e3"), List.of("r0", "r1"), 1, splits);
        ModelConfig model = new ModelConfig(2, Map.of(), ComparatorType.DOT, RelationConfig.of(OperatorType.NONE),
                Map.of("r1", RelationConfig.of(OperatorType.DIAGONAL)), false, 1e-3, Optional.empty(), RegularizerType.NONE, 0);
        RelationParameters relations = RelationParameters.create(model, List.of("r0", "r1"), new int[] {2, 2});
        relations.params(1, 0)[0] = 1f;
        relations.params(1, 0)[1] = 2f;
        EmbeddingTable table = new EmbeddingTable("e", 0, 4, 2, new float[] {1, 0, 0, 1, 1, 1, 1, 0}, new float[4]);
        CheckpointStore store = CheckpointFixture.write(fs, new org.apache.hadoop.fs.Path(tmp.resolve("ckpt").toString()), 1,
                model, relations, List.of(table), List.of());
        eval = new LinkPrediction(graph, TrainedModel.latest(store));
        neighbors = new Neighbors(graph, TrainedModel.latest(store));
    }

    @Test
    void raw_and_filtered_metrics_match_the_hand_computation() throws Exception {
        RankingTotals t = eval.rank(new RankingOptions("test", List.of("train", "test"), new Candidates.All()), Long.MAX_VALUE);

        RankingMetrics raw = t.overall(false);
        assertEquals(6, raw.count());
        assertEquals(25.0 / 36, raw.mrr(), EPS);
        assertEquals(9.5 / 6, raw.meanRank(), EPS);
        assertEquals(2.0 / 6, raw.hitsAt1(), EPS);
        assertEquals(1.0, raw.hitsAt3(), EPS);
        assertEquals(29.0 / 36, raw.auc(), EPS);

        RankingMetrics filtered = t.overall(true);
        assertEquals(6, filtered.count());
        assertEquals(29.0 / 36, filtered.mrr(), EPS);
        assertEquals(8.0 / 6, filtered.meanRank(), EPS);
        assertEquals(0.5, filtered.hitsAt1(), EPS);
        assertEquals(1.0, filtered.hitsAt10(), EPS);
        assertEquals(1.0, filtered.hitsAt50(), EPS);
        assertEquals(7.0 / 8, filtered.auc(), EPS);

        assertEquals(7.0 / 9, t.side(true, Side.RHS).mrr(), EPS);
        assertEquals(5.0 / 6, t.side(true, Side.LHS).mrr(), EPS);
        assertEquals(3, t.side(true, Side.LHS).count());
        assertEquals(11.0 / 12, t.relation(true, 1).mrr(), EPS);
        assertEquals(23.0 / 24, t.relation(true, 1).auc(), EPS);
        assertEquals(2, t.relation(true, 0).count());
    }

    @Test
    void without_filter_splits_only_raw_metrics_are_counted() throws Exception {
        RankingTotals t = eval.rank(new RankingOptions("test", List.of(), new Candidates.All()), Long.MAX_VALUE);
        assertEquals(25.0 / 36, t.overall(false).mrr(), EPS);
        assertEquals(0, t.overall(true).count());
    }

    @Test
    void the_limit_keeps_the_first_edges() throws Exception {
        // the first edge is A: raw ranks 2 (rhs) and 2 (lhs)
        RankingTotals t = eval.rank(new RankingOptions("test", List.of(), new Candidates.All()), 1);
        assertEquals(2, t.overall(false).count());
        assertEquals(2.0, t.overall(false).meanRank(), EPS);
    }

    @Test
    void neighbors_answer_from_the_same_scores() throws Exception {
        // tails of (e2, r1, ?): q = (1,2)*e2 = (1,2), scores e0 1, e1 2, e2 3, e3 1 (the table above, row C rhs)
        List<Neighbors.Neighbor> tails = neighbors.tails("e2", "r1", 2, true);
        assertEquals(List.of("e2", "e1"), tails.stream().map(Neighbors.Neighbor::name).toList());
        assertEquals(3f, tails.get(0).score());
        // the asked entity left out (the default of the neighbors command): the next best moves up
        List<Neighbors.Neighbor> others = neighbors.tails("e2", "r1", 2, false);
        assertEquals("e1", others.get(0).name());
        assertEquals(2f, others.get(0).score());
        assertEquals(1f, others.get(1).score(), "e0 or e3 (tied at 1), not e2");
        // heads of (?, r1, e2): the adjoint of a diagonal is itself, so the same scores
        assertEquals(List.of("e2", "e1"), neighbors.heads("e2", "r1", 2, true).stream().map(Neighbors.Neighbor::name).toList());
        assertEquals("e1", neighbors.heads("e2", "r1", 2, false).get(0).name());
        // cosine: e3 = e0 exactly (1), then e2 (1/sqrt 2), then e1 (0); e0 itself is left out
        List<Neighbors.Neighbor> similar = neighbors.similar("e", "e0", 3);
        assertEquals(List.of("e3", "e2", "e1"), similar.stream().map(Neighbors.Neighbor::name).toList());
        assertEquals(1 / Math.sqrt(2), similar.get(1).score(), 1e-6);
        Neighbors.UnknownName e = org.junit.jupiter.api.Assertions.assertThrows(Neighbors.UnknownName.class,
                () -> neighbors.tails("e9", "r1", 1, false));
        assertEquals("entity", e.field());
    }
}
