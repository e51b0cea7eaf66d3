package io.embark.embedding.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embark.embedding.GraphFixture;
import io.embark.embedding.PlantedGraph;
import io.embark.embedding.config.ComparatorType;
import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.NegativesConfig;
import io.embark.embedding.config.OperatorType;
import io.embark.embedding.config.RelationConfig;
import io.embark.embedding.config.RelationInit;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.eval.LinkPrediction;
import io.embark.embedding.eval.RankingMetrics;
import io.embark.embedding.eval.TrainedModel;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.partitioning.BucketOrder;
import io.embark.partitioning.ImportedGraph;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query-entity problem (docs/training.md): complex-diagonal relations that start as the identity make every
 * entity its own best partner, and uniform negatives almost never draw the edge's own entity, so after training the
 * query entity still outranks the true answer in many rankings. On a planted graph whose relations never link an
 * entity's cluster to itself (so the query entity is never a true answer), this measures {@code queryAbove}, the
 * fraction of filtered test rankings in which the query entity scored above the answer, for the remedies.
 */
class QueryEntityTest {

    private static final double LEARNED_MRR = 0.15; // chance is ~ 1/400 * ln(400) ~ 0.015; the clusters cap it ~ 0.25

    @TempDir
    Path tmp;

    private FileSystem fs;
    private ImportedGraph graph;

    @BeforeEach
    void planted() throws Exception {
        fs = GraphFixture.localFs();
        PlantedGraph planted = new PlantedGraph(400, 20, 3, 8, 0.1, 7);
        graph = GraphFixture.write(fs, new org.apache.hadoop.fs.Path(tmp.resolve("data").toString()),
                planted.entityNames, planted.relationNames, 1, planted.splits);
    }

    @Test
    void identityInitializedRelationsLeaveTheQueryEntityAboveTheAnswer() throws Exception {
        RankingMetrics m = train(RelationInit.IDENTITY, false, 5);
        assertTrue(m.queryAbove() > 0.1, "the symptom this test guards against is not reproduced: " + m);
    }

    @Test
    void randomRelationInitPushesTheQueryEntityDown() throws Exception {
        RankingMetrics m = train(RelationInit.RANDOM, false, 5);
        assertTrue(m.queryAbove() < 0.02, "query entity above the answer too often: " + m);
        assertTrue(m.mrr() > LEARNED_MRR, "not learned: " + m);
    }

    /**
     * Decided on the median of three seeds: how often the query entity stays above the answer depends on the initial
     * draws as well as on the remedy (seeds 1-6 under two ways of drawing the tables: 11 of 12 inits below 0.02, one at
     * 0.04), so one seed would test its draw as much as the remedy.
     */
    @Test
    void queryEntityNegativesPushItDown() throws Exception {
        List<RankingMetrics> runs = new ArrayList<>();
        for (long seed = 1; seed <= 3; seed++) {
            runs.add(train(RelationInit.IDENTITY, NegativesConfig.pbg(50, 50).withQueryEntity(true), 20, "pbg-true-" + seed, seed));
        }
        double queryAbove = median(runs.stream().mapToDouble(RankingMetrics::queryAbove).toArray());
        double mrr = median(runs.stream().mapToDouble(RankingMetrics::mrr).toArray());
        assertTrue(queryAbove < 0.02, "query entity above the answer too often (median of 3 seeds " + queryAbove + "): " + runs);
        assertTrue(mrr > LEARNED_MRR, "not learned (median of 3 seeds " + mrr + "): " + runs);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /**
     * 1-vs-all softmax (every entity a candidate, the query entity included) from the identity start: the margin
     * ({@code training.negatives.queryMargin}) makes the loss count the query entity as e^m candidates, so fewer
     * rankings end with it above the answer than without, at the same epochs.
     */
    @Test
    void aQueryMarginPushesItDownUnderOneVsAll() throws Exception {
        NegativesConfig all = new NegativesConfig(50, false, 0, true, true, true);
        RankingMetrics without = train(RelationInit.IDENTITY, all, 3, "all-0");
        RankingMetrics with = train(RelationInit.IDENTITY, all.withQueryMargin(2), 3, "all-2");
        System.out.println("1-vs-all, identity start, 3 epochs: margin 0 " + without + "; margin 2 " + with);
        assertTrue(without.queryAbove() > 0.05, "the symptom is not reproduced without the margin: " + without);
        assertTrue(with.queryAbove() < without.queryAbove() / 2, "the margin did not push the query entity down: "
                + with + " against " + without);
        assertTrue(with.mrr() > LEARNED_MRR, "not learned: " + with);
    }

    @Test
    void theDefaultRelationInitIsTheRemedy() {
        assertTrue(RelationConfig.of(OperatorType.COMPLEX_DIAGONAL).init() == RelationInit.RANDOM,
                "the default relation init should not make the identity every entity's best partner");
    }

    private RankingMetrics train(RelationInit init, boolean queryEntityNegatives, int epochs) throws Exception {
        return train(init, NegativesConfig.pbg(50, 50).withQueryEntity(queryEntityNegatives), epochs,
                "pbg-" + queryEntityNegatives);
    }

    private RankingMetrics train(RelationInit init, NegativesConfig negatives, int epochs, String name) throws Exception {
        return train(init, negatives, epochs, name, TrainingConfig.defaults(epochs, negatives).seed());
    }

    private RankingMetrics train(RelationInit init, NegativesConfig negatives, int epochs, String name, long seed) throws Exception {
        ModelConfig base = ModelConfig.simple(16, OperatorType.COMPLEX_DIAGONAL, ComparatorType.DOT, true);
        ModelConfig model = new ModelConfig(base.dimension(), Map.of(), base.comparator(),
                new RelationConfig(OperatorType.COMPLEX_DIAGONAL, 1.0, init), Map.of(), true, 0.1,
                Optional.empty(), base.regularizer(), 0);
        TrainingConfig training = TrainingConfig.defaults(epochs, negatives).withSeed(seed)
                .withThreads(1).withBucketOrder(BucketOrder.INSIDE_OUT); // one thread: deterministic
        CheckpointStore store = new CheckpointStore(fs,
                new org.apache.hadoop.fs.Path(tmp.resolve("c-" + init + "-" + name).toString()));
        Trainer.train(graph, model, training, store);
        return new LinkPrediction(graph, TrainedModel.latest(store))
                .filtered("test", List.of("train", "test"), Long.MAX_VALUE);
    }
}
