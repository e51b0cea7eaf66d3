package io.embark.embedding.bench;

import io.embark.embedding.GraphFixture;
import io.embark.embedding.config.ComparatorType;
import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.NegativesConfig;
import io.embark.embedding.config.OperatorType;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.embedding.storage.EmbeddingTable;
import io.embark.embedding.storage.EpochStats;
import io.embark.embedding.train.Trainer;
import io.embark.partitioning.ImportedGraph;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One partition of NODES x DIM (beyond one Java array from 2^31 floats on: 16M x 200 is 12.8 GB) through the real
 * trainer: initialized, trained one epoch, checkpointed; then resumed (the table read back from the checkpoint), trained
 * another epoch and checkpointed again; then read back once more. Arguments: NODES EDGES DIM WORKDIR (the generated
 * graph and the checkpoints go there; the checkpoints are deleted at the end). Needs a heap of about 1.1 x the table
 * (-Xmx15g for 16M x 200). Results in docs/BENCHMARKS.md ("a partition of 16M rows x d 200").
 */
public final class LargeTableRun {

    private LargeTableRun() {
    }

    public static void main(String[] a) throws Exception {
        int nodes = Integer.parseInt(a[0]);
        int edges = Integer.parseInt(a[1]);
        int dim = Integer.parseInt(a[2]);
        String work = a[3];
        FileSystem fs = GraphFixture.localFs();
        long t0 = System.nanoTime();
        ImportedGraph graph = TrainBenchmark.generated(fs, new Path(work + "/gen-" + nodes + "-" + edges), nodes + ":" + edges, 1);
        System.out.printf("dataset: %,d entities, %,d edges (%.1f s)%n", graph.manifest().entityTypes().get(0).count(),
                graph.manifest().split("train").edges(), (System.nanoTime() - t0) / 1e9);
        ModelConfig model = ModelConfig.simple(dim, OperatorType.NONE, ComparatorType.DOT, false).withInitScale(1e-3);
        TrainingConfig training = TrainingConfig.defaults(1, NegativesConfig.pbg(50, 50)).withThreads(2);
        Path ckpt = new Path(work + "/ckpt");
        fs.delete(ckpt, true);
        CheckpointStore store = new CheckpointStore(fs, ckpt);
        for (int epochs = 1; epochs <= 2; epochs++) {
            long s = System.nanoTime();
            List<EpochStats> stats = Trainer.train(graph, model, training.withEpochs(epochs), store);
            EpochStats last = stats.get(stats.size() - 1);
            System.out.printf("RESULT run %d (%s): epoch %d, %,d edges, loss %.4f, %.1f s in Trainer.train; heap max %,d MB%n", epochs,
                    epochs == 1 ? "fresh table, trained, saved" : "resumed: table loaded from v1, trained, saved",
                    last.epoch(), last.edges(), last.loss(), (System.nanoTime() - s) / 1e9, Runtime.getRuntime().maxMemory() >> 20);
        }
        Path file = new Path(store.versionDir(2), "entities/e/part-00000.emb");
        System.out.printf("RESULT v2 table file %s: %,d bytes%n", file, fs.getFileStatus(file).getLen());
        EmbeddingTable t = store.table(2, "e", 0);
        System.out.printf("RESULT read back: %,d rows x %d in %d segments of %,d rows; row 0[0] %.6f, last row[%d] %.6f%n", t.rows(), t.dim(),
                t.segments(), t.rowsPerSegment(), t.row(0)[0], dim - 1, t.row(t.rows() - 1)[dim - 1]);
        fs.delete(ckpt, true);
    }
}
