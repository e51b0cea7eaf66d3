package io.embark.jobs.eval;

import io.embark.embedding.eval.EvalSlice;
import io.embark.embedding.eval.RankingOptions;
import io.embark.embedding.eval.RankingTask;
import io.embark.partitioning.Bucket;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.util.LongAccumulator;

/**
 * One Spark task of the eval stage: opens the dataset and the checkpoint itself through the Hadoop FileSystem API
 * (nothing large travels from the driver), ranks its slices, and returns the flat sums of their
 * {@link io.embark.embedding.eval.RankingTotals}. A slice travels as {@code long[] {lhsPartition, rhsPartition, from, to}}.
 * The rankings done go to an accumulator as they are done, batch by batch, for the driver's progress line.
 */
final class RankSlices implements FlatMapFunction<Iterator<long[]>, double[]> {

    private static final long serialVersionUID = 1L;

    private final TaskInputs inputs;
    private final RankingOptions options;
    private final LongAccumulator ranked;

    RankSlices(TaskInputs inputs, RankingOptions options, LongAccumulator ranked) {
        this.inputs = inputs;
        this.options = options;
        this.ranked = ranked;
    }

    static long[] encode(EvalSlice s) {
        return new long[] {s.bucket().lhsPartition(), s.bucket().rhsPartition(), s.from(), s.to()};
    }

    @Override
    public Iterator<double[]> call(Iterator<long[]> slices) throws Exception {
        if (!slices.hasNext()) {
            return List.<double[]>of().iterator();
        }
        RankingTask task = new RankingTask(inputs.graph(), inputs.model(), options);
        double[] sums = null;
        while (slices.hasNext()) {
            long[] s = slices.next();
            double[] part = task.rank(new EvalSlice(new Bucket((int) s[0], (int) s[1]), (int) s[2], (int) s[3]), ranked::add).sums();
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
