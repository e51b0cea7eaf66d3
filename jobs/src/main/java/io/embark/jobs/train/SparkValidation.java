package io.embark.jobs.train;

import io.embark.embedding.eval.EpochValidation;
import io.embark.embedding.eval.RankingOptions;
import io.embark.embedding.eval.RankingTotals;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.embedding.train.EpochEvaluator;
import io.embark.jobs.config.ConfigException;
import io.embark.jobs.config.JobConfig;
import io.embark.jobs.config.ValidationConfig;
import io.embark.jobs.eval.EvalJob;
import io.embark.partitioning.ImportedGraph;
import java.io.IOException;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Evaluation during training ({@code training.eval.*}) for the train commands: the checkpoint just committed is
 * ranked by the same Spark stage as the {@code eval} command's (one task per slice of the split, each opening the
 * dataset and checkpoint itself), so the driver never holds the embeddings; filter and candidates come from the
 * {@code eval} section.
 */
final class SparkValidation implements EpochEvaluator {

    private final SparkSession spark;
    private final JobConfig job;
    private final ImportedGraph graph;
    private final RankingOptions options;

    private SparkValidation(SparkSession spark, JobConfig job, ImportedGraph graph) {
        this.spark = spark;
        this.job = job;
        this.graph = graph;
        this.options = new RankingOptions(job.validation().split(), job.eval().filter(), job.eval().candidates());
    }

    /** The evaluator the config asks for ({@link EpochEvaluator#NONE} when training.eval.every is 0). */
    static EpochEvaluator of(SparkSession spark, JobConfig job, ImportedGraph graph) {
        ValidationConfig v = job.validation();
        if (!v.enabled()) {
            return EpochEvaluator.NONE;
        }
        if (!graph.hasSplit(v.split())) {
            throw new ConfigException("training.eval.split: the dataset in " + job.graphDir() + " has no split '" + v.split()
                    + "' (it has " + graph.manifest().splits().keySet() + "; set data." + v.split()
                    + " and re-import, or training.eval.every = 0)");
        }
        // before the first epoch, not after it: a sample that cannot be drawn would fail the first evaluation
        EvalJob.requireDrawable(job.eval().candidates(), graph);
        return new SparkValidation(spark, job, graph);
    }

    @Override
    public Map<String, Double> afterEpoch(int version, CheckpointStore store) throws IOException {
        ValidationConfig v = job.validation();
        if (!EpochValidation.due(version, v.every(), job.training().epochs())) {
            return Map.of();
        }
        long start = System.nanoTime();
        RankingTotals totals = EvalJob.rank(spark, job, graph, version, options, v.limit());
        return EpochValidation.metrics(options, totals, (System.nanoTime() - start) / 1e9);
    }
}
