package io.embark.embedding.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.embark.embedding.GraphFixture;
import io.embark.embedding.PlantedGraph;
import io.embark.embedding.config.ComparatorType;
import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.NegativesConfig;
import io.embark.embedding.config.OperatorType;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.kernel.StepKernel;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.embedding.storage.EpochStats;
import io.embark.partitioning.ImportedGraph;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code training.kernel} reaches the trainer: with one thread and one seed, the BLAS and the ND4J step see the same
 * chunks in the same order and compute the same math, so their epochs' losses agree closely; but they round floats
 * differently (other summation orders), so the trained tables are not bit-identical. A trainer that ignored the key
 * would train the same bits twice.
 */
class KernelSelectionTest {

    @TempDir
    Path tmp;

    @Test
    void theConfiguredKernelTrainsTheSameMathWithItsOwnRounding() throws Exception {
        FileSystem fs = GraphFixture.localFs();
        PlantedGraph planted = new PlantedGraph(120, 6, 2, 4, 0.1, 5);
        ImportedGraph graph = GraphFixture.write(fs, new org.apache.hadoop.fs.Path(tmp.resolve("data").toString()),
                planted.entityNames, planted.relationNames, 2, planted.splits);
        ModelConfig model = ModelConfig.simple(8, OperatorType.COMPLEX_DIAGONAL, ComparatorType.DOT, true).withInitScale(0.1);
        TrainingConfig training = TrainingConfig.defaults(2, NegativesConfig.pbg(20, 10)).withThreads(1);
        CheckpointStore blas = new CheckpointStore(fs, new org.apache.hadoop.fs.Path(tmp.resolve("blas").toString()));
        CheckpointStore nd4j = new CheckpointStore(fs, new org.apache.hadoop.fs.Path(tmp.resolve("nd4j").toString()));

        List<EpochStats> a = Trainer.train(graph, model, training.withKernel(StepKernel.BLAS), blas);
        List<EpochStats> b = Trainer.train(graph, model, training.withKernel(StepKernel.ND4J), nd4j);

        for (int e = 0; e < 2; e++) {
            assertEquals(a.get(e).loss(), b.get(e).loss(), 1e-3 * a.get(e).loss(), "epoch " + (e + 1) + " loss");
        }
        float[] ta = blas.table(2, "e", 0).segmentData(0);
        float[] tb = nd4j.table(2, "e", 0).segmentData(0);
        assertFalse(Arrays.equals(ta, tb), "the ND4J run trained other bits than the BLAS run: the key selected its step");
    }
}
