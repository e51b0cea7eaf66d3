package io.embark.jobs.eval;

import io.embark.embedding.eval.EvalSlice;
import io.embark.embedding.eval.RankingOptions;
import io.embark.embedding.eval.RankingTask;
import io.embark.embedding.eval.TrainedModel;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.jobs.imports.HadoopConf;
import io.embark.partitioning.Bucket;
import io.embark.partitioning.ImportedGraph;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;

/**
 * One Spark task of the eval stage: opens the dataset and the checkpoint itself through the Hadoop FileSystem API
 * (nothing large travels from the driver), ranks its slices, and returns the flat sums of their
 * {@link io.embark.embedding.eval.RankingTotals}. A slice travels as {@code long[] {lhsPartition, rhsPartition, from, to}}.
 */
final class RankSlices implements FlatMapFunction<Iterator<long[]>, double[]> {

    private static final long serialVersionUID = 1L;

    private final HadoopConf conf;
    private final String graphDir;
    private final String checkpointDir;
    private final int version;
    private final RankingOptions options;

    RankSlices(HadoopConf conf, String graphDir, String checkpointDir, int version, RankingOptions options) {
        this.conf = conf;
        this.graphDir = graphDir;
        this.checkpointDir = checkpointDir;
        this.version = version;
        this.options = options;
    }

    static long[] encode(EvalSlice s) {
        return new long[] {s.bucket().lhsPartition(), s.bucket().rhsPartition(), s.from(), s.to()};
    }

    @Override
    public Iterator<double[]> call(Iterator<long[]> slices) throws Exception {
        if (!slices.hasNext()) {
            return List.<double[]>of().iterator();
        }
        Configuration c = conf.get();
        Path g = new Path(graphDir);
        Path ckpt = new Path(checkpointDir);
        ImportedGraph graph = ImportedGraph.open(g.getFileSystem(c), g);
        TrainedModel model = TrainedModel.version(new CheckpointStore(ckpt.getFileSystem(c), ckpt), version);
        RankingTask task = new RankingTask(graph, model, options);
        double[] sums = null;
        while (slices.hasNext()) {
            long[] s = slices.next();
            double[] part = task.rank(new EvalSlice(new Bucket((int) s[0], (int) s[1]), (int) s[2], (int) s[3])).sums();
            if (sums == null) {
                sums = part;
            } else {
                for (int i = 0; i < sums.length; i++) {
                    sums[i] += part[i];
                }
            }
        }
        return List.of(sums).iterator();
    }
}
