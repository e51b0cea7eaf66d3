package io.embark.embedding.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embark.embedding.GraphFixture;
import io.embark.embedding.PlantedGraph;
import io.embark.embedding.config.AdagradMode;
import io.embark.embedding.config.ComparatorType;
import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.NegativesConfig;
import io.embark.embedding.config.OperatorType;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.eval.LinkPrediction;
import io.embark.embedding.eval.RankingMetrics;
import io.embark.embedding.eval.TrainedModel;
import io.embark.embedding.kernel.StepKernel;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.embedding.storage.EpochStats;
import io.embark.partitioning.BucketOrder;
import io.embark.partitioning.ImportedGraph;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training learns: on a planted-cluster graph (400 entities in 20 clusters, 3 relations, 8 edges per entity and relation, see {@link PlantedGraph})
 * split over 2 x 2 buckets and trained with 2 HOGWILD threads, the filtered test ranking must be far above chance.
 *
 * <p>Chance: Hits@10 = 10/400 = 0.025 and MRR about H(400)/400 = 0.016. A model that learned the clusters ranks the
 * tail among the ~20 members of the right cluster (minus the filtered ones): MRR about 0.2, Hits@10 about 0.6
 * (measured 0.18-0.22 and 0.55-0.70); the asserted bounds, 0.1 and 0.3, are 6x and 12x chance.
 */
class LearningTest {

    @TempDir
    Path tmp;

    /**
     * batchSize 0: a step per chunk; 150: one step per 3 chunks (PyTorch-BigGraph's batches); row-wise or element-wise
     * Adagrad; one draw of uniform negatives for both sides (in the diagonal buckets, where both sides use one table;
     * the other two buckets draw per side). Either step ({@code training.kernel}): the ND4J step once, with batches and
     * shared negatives (it is several times slower on a CPU; Nd4jCrossCheckTest checks it step by step against BLAS).
     */
    @ParameterizedTest(name = "batchSize={0} adagrad={1} sharedNegatives={2} kernel={3}")
    @CsvSource({"0, ROWWISE, false, BLAS", "150, ROWWISE, false, BLAS", "0, ELEMENTWISE, false, BLAS",
        "0, ROWWISE, true, BLAS", "150, ROWWISE, true, BLAS", "150, ROWWISE, true, ND4J"})
    void plantedClustersAreLearnedFarAboveChance(int batchSize, AdagradMode adagrad, boolean shared, StepKernel kernel)
            throws Exception {
        FileSystem fs = GraphFixture.localFs();
        PlantedGraph planted = new PlantedGraph(400, 20, 3, 8, 0.1, 7);
        ImportedGraph graph = GraphFixture.write(fs, new org.apache.hadoop.fs.Path(tmp.resolve("data").toString()),
                planted.entityNames, planted.relationNames, 2, planted.splits);
        ModelConfig model = ModelConfig.simple(16, OperatorType.COMPLEX_DIAGONAL, ComparatorType.DOT, true).withInitScale(0.1);
        TrainingConfig training = TrainingConfig.defaults(20, NegativesConfig.pbg(50, 50).withShared(shared))
                .withThreads(2).withBucketOrder(BucketOrder.INSIDE_OUT).withBatchSize(batchSize).withAdagrad(adagrad).withKernel(kernel);
        CheckpointStore store = new CheckpointStore(fs, new org.apache.hadoop.fs.Path(tmp.resolve("ckpt-" + batchSize + adagrad + shared + kernel).toString()));

        List<EpochStats> stats = Trainer.train(graph, model, training, store);

        assertEquals(20, stats.size());
        long trainEdges = graph.manifest().split("train").edges();
        assertEquals(trainEdges, stats.get(0).edges());
        assertTrue(stats.get(19).loss() < 0.8 * stats.get(0).loss(), "loss fell: " + stats.get(0).loss() + " -> " + stats.get(19).loss());
        RankingMetrics m = new LinkPrediction(graph, TrainedModel.latest(store)).filtered("test", List.of("train", "test"), Long.MAX_VALUE);
        System.out.println("LearningTest " + kernel + " batchSize=" + batchSize + " shared=" + shared + ": " + m);
        assertTrue(m.hitsAt10() > 0.3, "Hits@10 far above chance (0.025): " + m);
        assertTrue(m.mrr() > 0.1, "MRR far above chance (0.016): " + m);
    }
}
