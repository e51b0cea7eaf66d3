package io.embark.jobs.api;

import io.embark.jobs.Main;
import io.embark.jobs.config.ConfigLoader;
import io.embark.jobs.config.DriverPaths;
import io.embark.jobs.config.JobConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Trains embeddings from a DataFrame of edges, in the style of Spark ML's estimators:
 * <pre>
 *   EmbarkModel model = new EmbarkEstimator()
 *       .setWorkspace("hdfs:///embark/follows")          // where the dataset and checkpoints go
 *       .setDimension(64).setEpochs(10)
 *       .fit(edges);                                     // columns src, dst, and relation / weight when present
 * </pre>
 * Every setting is a config key of {@code docs/configuration.md}: the typed setters set the key they name (and nothing
 * else), {@link #set(String, String)} sets any key, and {@link #fit} reads them all with the config loader the command
 * line uses, so a key unknown to it is refused there with the nearest valid one.
 *
 * <p>{@link #fit} runs the command line's stages, not a second implementation: it checks the edges ({@link EdgeColumns}:
 * a missing column, a null entity or relation, a bad weight stop it before anything is written), writes them once as
 * Parquet to {@code WORKSPACE/input/edges}, then runs {@code import} and {@code train} ({@code distributed.workers}
 * included) on the caller's Spark session, with {@code import.overwrite} and {@code training.overwrite}: each fit
 * starts over. The workspace is then exactly what {@code embark import} and {@code embark train} leave, so
 * {@code embark eval}, {@code export} and {@code neighbors} read it with {@code workspace = } the same path.
 */
public final class EmbarkEstimator {

    private final Map<String, String> settings = new LinkedHashMap<>();
    private String entityType = "entity";
    private String srcCol = "src";
    private String dstCol = "dst";
    private String relationCol = "relation";
    private boolean relationColSet;
    private String weightCol = "weight";
    private boolean weightColSet;

    /** Any config key ({@code docs/configuration.md}), as on the command line's {@code --set key=value}. */
    public EmbarkEstimator set(String key, String value) {
        settings.put(key, value);
        return this;
    }

    /** The config keys set so far, in the order they were set. */
    public Map<String, String> settings() {
        return Map.copyOf(settings);
    }

    /** {@code workspace}: where the imported dataset ({@code graph/}) and the checkpoints go; required. */
    public EmbarkEstimator setWorkspace(String path) {
        return set("workspace", path);
    }

    /** The entity type of every src and dst (default {@code entity}): the {@code TYPE} of {@code graph.entities.TYPE.*}. */
    public EmbarkEstimator setEntityType(String type) {
        this.entityType = type;
        return this;
    }

    /** {@code graph.entities.TYPE.partitions}, for the entity type of {@link #setEntityType}. */
    public EmbarkEstimator setPartitions(int partitions) {
        return set("graph.entities." + entityType + ".partitions", String.valueOf(partitions));
    }

    /** {@code model.dimension}. */
    public EmbarkEstimator setDimension(int dimension) {
        return set("model.dimension", String.valueOf(dimension));
    }

    /** {@code model.relation.operator}: an {@link io.embark.embedding.config.OperatorType}, spelled as in the config ({@code complex_diagonal}). */
    public EmbarkEstimator setOperator(String operator) {
        return set("model.relation.operator", operator);
    }

    /** {@code model.comparator}: a {@link io.embark.embedding.config.ComparatorType}, spelled as in the config ({@code dot}). */
    public EmbarkEstimator setComparator(String comparator) {
        return set("model.comparator", comparator);
    }

    /** {@code training.loss}: a {@link io.embark.embedding.config.LossType}, spelled as in the config ({@code softmax}). */
    public EmbarkEstimator setLoss(String loss) {
        return set("training.loss", loss);
    }

    /** {@code training.epochs}. */
    public EmbarkEstimator setEpochs(int epochs) {
        return set("training.epochs", String.valueOf(epochs));
    }

    /** {@code training.learningRate}. */
    public EmbarkEstimator setLearningRate(double rate) {
        return set("training.learningRate", String.valueOf(rate));
    }

    /** {@code training.threads}: HOGWILD threads per trainer. */
    public EmbarkEstimator setThreads(int threads) {
        return set("training.threads", String.valueOf(threads));
    }

    /** {@code training.seed}. */
    public EmbarkEstimator setSeed(long seed) {
        return set("training.seed", String.valueOf(seed));
    }

    /** {@code distributed.workers}: train on this many Spark tasks (barrier stages) instead of on the driver. */
    public EmbarkEstimator setWorkers(int workers) {
        return set("distributed.workers", String.valueOf(workers));
    }

    /** The column of the lhs entity (default {@code src}). */
    public EmbarkEstimator setSrcCol(String column) {
        this.srcCol = column;
        return this;
    }

    /** The column of the rhs entity (default {@code dst}). */
    public EmbarkEstimator setDstCol(String column) {
        this.dstCol = column;
        return this;
    }

    /** The column of the relation (default {@code relation}, used when present; once set, required). */
    public EmbarkEstimator setRelationCol(String column) {
        this.relationCol = column;
        this.relationColSet = true;
        return this;
    }

    /** The column of the edge weight (default {@code weight}, used when present; once set, required). */
    public EmbarkEstimator setWeightCol(String column) {
        this.weightCol = column;
        this.weightColSet = true;
        return this;
    }

    /** The job config this estimator's settings make, with its paths qualified on {@code spark}'s driver. */
    JobConfig config(SparkSession spark, List<String> extra) {
        List<String> sets = new ArrayList<>();
        sets.add("graph.relations.lhs=" + entityType);
        sets.add("graph.relations.rhs=" + entityType);
        settings.forEach((k, v) -> sets.add(k + "=" + v));
        sets.addAll(extra);
        JobConfig unqualified = JobConfig.read(ConfigLoader.fromText("", "EmbarkEstimator", sets));
        return JobConfig.read(ConfigLoader.fromText("", "EmbarkEstimator", sets).qualifyingPaths(new DriverPaths(
                spark.sparkContext().hadoopConfiguration(), spark.sparkContext().master(), unqualified.localPathsShared())));
    }

    /** Imports and trains on {@code edges}; the model of the newest checkpoint. */
    public EmbarkModel fit(Dataset<Row> edges) throws Exception {
        if (!settings.containsKey("workspace")) {
            throw new IllegalArgumentException("workspace: missing (setWorkspace: where the dataset and checkpoints go)");
        }
        SparkSession spark = edges.sparkSession();
        EdgeColumns columns = EdgeColumns.resolve(edges, srcCol, dstCol, relationCol, relationColSet, weightCol, weightColSet);
        String input = new Path(config(spark, List.of()).workspace(), "input/edges").toString();
        List<String> extra = new ArrayList<>(columns.importSettings());
        extra.add("data.train=" + input);
        extra.add("import.overwrite=true");
        extra.add("training.overwrite=true");
        JobConfig job = config(spark, extra); // refuses bad settings before anything is read or written
        columns.check(edges);
        columns.canonical(edges).write().mode(SaveMode.Overwrite).parquet(input);
        Main.runStage("import", spark, job);
        Main.runStage("train", spark, job);
        return EmbarkModel.load(spark, job.workspace());
    }
}
