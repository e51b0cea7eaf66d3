package io.embark.jobs.eval;

import io.embark.embedding.eval.Candidates;
import io.embark.embedding.eval.EvalSlice;
import io.embark.embedding.eval.RankingOptions;
import io.embark.embedding.eval.RankingTotals;
import io.embark.embedding.eval.TrainedModel;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.jobs.StageOutput;
import io.embark.jobs.config.ConfigException;
import io.embark.jobs.config.EvalConfig;
import io.embark.jobs.config.JobConfig;
import io.embark.jobs.progress.StageProgress;
import io.embark.partitioning.AtomicFile;
import io.embark.partitioning.ImportedGraph;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code eval} command: link-prediction metrics of a checkpoint ({@code eval.version}, the newest by default) on
 * {@code eval.split}, as a Spark job. The split's edges are cut into slices ({@link EvalSlice}), one Spark task per
 * slice; each task opens the dataset and the checkpoint itself and ranks both sides of its edges, raw and filtered by
 * the true edges of {@code eval.filter}; the driver adds up the tasks' sums. It prints a table and writes
 * {@code metrics-SPLIT-CANDIDATES.json} ({@link EvalMetrics}, e.g. {@code metrics-test-all.json}) into the evaluated
 * checkpoint's directory, atomically, and appends its
 * summary to {@link EvalHistory}. A checkpoint file that does not verify (read by the driver or a task) stops the job
 * with a message naming it and the newest older version that verifies, to set as {@code eval.version}.
 */
public final class EvalJob {

    private static final Logger LOG = LoggerFactory.getLogger(EvalJob.class);
    /** The metrics of ranking {@code split} against {@code candidates}: one file per setting, so no run overwrites another's. */
    public static String metricsFile(String split, Candidates candidates) {
        return "metrics-" + split + "-" + (candidates instanceof Candidates.Sampled s ? String.valueOf(s.perEdge()) : "all") + ".json";
    }

    private EvalJob() {
    }

    /** Evaluates as configured: the metrics as a map (what the metrics file holds). */
    public static Map<String, Object> run(SparkSession spark, JobConfig job) throws IOException {
        return evaluate(spark, job).metrics();
    }

    /** The metrics of one evaluation, and what the command line prints of them. */
    public record Result(Map<String, Object> metrics, StageOutput output) {
    }

    /** Evaluates as configured, writes the metrics file and the history line, and returns both forms of the metrics. */
    public static Result evaluate(SparkSession spark, JobConfig job) throws IOException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Path graphDir = new Path(job.graphDir());
        ImportedGraph graph = ImportedGraph.open(graphDir.getFileSystem(conf), graphDir);
        Path ckpt = new Path(job.checkpointDir());
        FileSystem fs = ckpt.getFileSystem(conf);
        CheckpointStore store = new CheckpointStore(fs, ckpt);
        EvalConfig eval = job.eval();
        TrainedModel model = Checkpoints.open(store, eval.version(), "eval.version");
        if (!graph.hasSplit(eval.split())) {
            throw new IOException("eval.split: the dataset in " + graphDir + " has no split '" + eval.split()
                    + "' (it has " + graph.manifest().splits().keySet() + "; set data." + eval.split() + " and re-import)");
        }
        requireDrawable(eval.candidates(), graph);
        RankingOptions options = new RankingOptions(eval.split(), eval.filter(), eval.candidates());
        long start = System.nanoTime();
        RankingTotals totals = Checkpoints.explainingDamage(store, "eval.version", OptionalInt.of(model.version()),
                () -> rank(spark, job, graph, model.version(), options, eval.limit()));
        double seconds = (System.nanoTime() - start) / 1e9;
        EvalMetrics metrics = new EvalMetrics(graph, eval, model.version(), totals, seconds);
        Path out = new Path(store.versionDir(model.version()), metricsFile(eval.split(), eval.candidates()));
        AtomicFile.write(fs, out, metrics.json());
        EvalHistory.append(fs, store.root(), EvalHistory.entry(metrics.asMap(), model.info().epochs()));
        LOG.info("eval: MRR {} ({}, {}, {} candidates), written to {}", String.format("%.4f", ((Number) metrics.asMap().get("mrr")).doubleValue()),
                eval.split(), metrics.asMap().get("filtered").equals(Boolean.TRUE) ? "filtered" : "raw", eval.candidates(), out);
        return new Result(metrics.asMap(), new StageOutput(metrics.table(), metrics.json()));
    }

    /**
     * {@code eval.candidates} against the dataset, for {@code eval} and evaluation during training alike: a sample
     * larger than the partition it is drawn from is a config error ({@link Candidates.Sampled#requireDrawable}).
     */
    public static void requireDrawable(Candidates candidates, ImportedGraph graph) {
        if (candidates instanceof Candidates.Sampled sampled) {
            try {
                sampled.requireDrawable(graph.manifest());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(e.getMessage());
            }
        }
    }

    /**
     * Ranks both sides of the first {@code limit} edges of {@code options.split()} with checkpoint {@code version}, one
     * Spark task per slice (each opens the dataset and the checkpoint itself), and adds up the tasks' sums; logs the
     * rankings done every {@code progress.intervalSeconds} while the tasks run ({@link StageProgress}).
     */
    public static RankingTotals rank(SparkSession spark, JobConfig job, ImportedGraph graph, int version,
                                     RankingOptions options, long limit) throws IOException {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<long[]> slices = EvalSlice.plan(graph, options.split(), limit, jsc.defaultParallelism()).stream()
                .map(RankSlices::encode).toList();
        int relations = graph.manifest().relations().size();
        RankingTotals totals = new RankingTotals(relations);
        if (!slices.isEmpty()) {
            long rankings = 2 * slices.stream().mapToLong(s -> s[3] - s[2]).sum();
            try (StageProgress progress = StageProgress.counting(spark, job.progress().log(), "eval " + options.split(), "rankings",
                    OptionalLong.of(rankings))) {
                RankSlices task = new RankSlices(TaskInputs.of(spark.sparkContext().hadoopConfiguration(), job, version), options,
                        progress.counter());
                for (double[] part : jsc.parallelize(slices, slices.size()).mapPartitions(task).collect()) {
                    totals.merge(RankingTotals.of(relations, part));
                }
            }
        }
        return totals;
    }
}
