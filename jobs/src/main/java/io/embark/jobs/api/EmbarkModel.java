package io.embark.jobs.api;

import io.embark.embedding.eval.TrainedModel;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.jobs.config.ConfigLoader;
import io.embark.jobs.config.DriverPaths;
import io.embark.jobs.config.JobConfig;
import io.embark.jobs.eval.Checkpoints;
import io.embark.jobs.eval.TaskInputs;
import io.embark.jobs.export.ExportJob;
import io.embark.partitioning.AtomicDirectory;
import io.embark.partitioning.ImportManifest;
import io.embark.partitioning.ImportedGraph;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A trained checkpoint, seen as DataFrames: what {@link EmbarkEstimator#fit} returns and {@link #load} opens. It is a
 * workspace in the command line's layout ({@code PATH/graph/}: the imported dataset; {@code PATH/checkpoints/vNNNNNNNN/}:
 * the checkpoint), so {@code embark export}, {@code eval} and {@code neighbors} read a saved model with
 * {@code workspace = PATH}, and this class reads what {@code embark train} wrote.
 *
 * <ul>
 *   <li>{@link #entityEmbeddings()}: {@code entity_type, name, partition, offset, vector array<float>} (the Parquet
 *       export's schema);</li>
 *   <li>{@link #relationParameters()}: {@code relation, name, operator, side, weight, parameters array<float>};</li>
 *   <li>{@link #transform}: the triples with a {@code score} column, the model's score of (src, relation, dst);</li>
 *   <li>{@link #nearest}: the top k answers of each query, computed by Spark tasks over the queries.</li>
 * </ul>
 * Columns read from triples and queries: {@code src}, {@code dst}, {@code relation} (settable). Without a relation
 * column, a model of one relation uses it.
 */
public final class EmbarkModel {

    private final SparkSession spark;
    private final JobConfig job;
    private final ImportedGraph graph;
    private final TrainedModel model;
    private String srcCol = "src";
    private String dstCol = "dst";
    private String relationCol = "relation";

    private EmbarkModel(SparkSession spark, JobConfig job, ImportedGraph graph, TrainedModel model) {
        this.spark = spark;
        this.job = job;
        this.graph = graph;
        this.model = model;
    }

    /** Opens the newest checkpoint of the workspace (or saved model) at {@code path}. */
    public static EmbarkModel load(SparkSession spark, String path) throws IOException {
        return load(spark, path, Optional.empty());
    }

    /** Opens checkpoint {@code version} of the workspace (or saved model) at {@code path}. */
    public static EmbarkModel load(SparkSession spark, String path, Optional<Integer> version) throws IOException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        JobConfig job = workspace(spark, path);
        Path graphDir = new Path(job.graphDir());
        ImportedGraph graph = ImportedGraph.open(graphDir.getFileSystem(conf), graphDir);
        TrainedModel model = Checkpoints.open(Checkpoints.store(conf, job), version, "version");
        return new EmbarkModel(spark, job, graph, model);
    }

    /** The config of the workspace at {@code path}, qualified as the command line's driver qualifies it. */
    private static JobConfig workspace(SparkSession spark, String path) {
        return JobConfig.read(ConfigLoader.fromText("", "EmbarkModel", List.of("workspace=" + path)).qualifyingPaths(
                new DriverPaths(spark.sparkContext().hadoopConfiguration(), spark.sparkContext().master(), false)));
    }

    public EmbarkModel setSrcCol(String column) {
        this.srcCol = column;
        return this;
    }

    public EmbarkModel setDstCol(String column) {
        this.dstCol = column;
        return this;
    }

    public EmbarkModel setRelationCol(String column) {
        this.relationCol = column;
        return this;
    }

    /** The workspace this model reads, as a full URI. */
    public String workspace() {
        return job.workspace();
    }

    /** The checkpoint version this model reads. */
    public int version() {
        return model.version();
    }

    private TaskInputs inputs() {
        return TaskInputs.of(spark.sparkContext().hadoopConfiguration(), job, model.version());
    }

    public Dataset<Row> entityEmbeddings() {
        return ExportJob.entityFrame(spark, job, graph, model.version());
    }

    public Dataset<Row> relationParameters() throws IOException {
        return ExportJob.relationFrame(spark, graph, model);
    }

    /**
     * {@code triples} with a {@code score} column (float): the model's score of (src, relation, dst), the number
     * evaluation ranks by and {@code embark neighbors} prints. Null where the model does not know the relation or an
     * entity. Embeddings are joined to the triples by Spark (no broadcast of the tables).
     */
    public Dataset<Row> transform(Dataset<Row> triples) throws IOException {
        List<String> cols = Arrays.asList(triples.columns());
        require(cols, srcCol, "srcCol");
        require(cols, dstCol, "dstCol");
        Column relation = relationColumn(triples, cols);
        List<Row> rels = new ArrayList<>();
        for (ImportManifest.RelationInfo r : graph.manifest().relations()) {
            rels.add(RowFactory.create(r.name(), r.id(), r.lhsType(), r.rhsType()));
        }
        Dataset<Row> relations = spark.createDataFrame(rels, new StructType().add("_rel", DataTypes.StringType)
                .add("_rel_id", DataTypes.IntegerType).add("_lhs_type", DataTypes.StringType).add("_rhs_type", DataTypes.StringType));
        Dataset<Row> emb = entityEmbeddings();
        Dataset<Row> lhs = emb.select(emb.col("entity_type").as("_lt"), emb.col("name").as("_ln"), emb.col("vector").as("_lv"));
        Dataset<Row> rhs = emb.select(emb.col("entity_type").as("_rt"), emb.col("name").as("_rn"), emb.col("vector").as("_rv"));
        Dataset<Row> t = triples.withColumn("_embark_rel", relation);
        Dataset<Row> joined = t.join(relations, t.col("_embark_rel").equalTo(relations.col("_rel")), "left")
                .join(lhs, functions.col("_lt").equalTo(functions.col("_lhs_type"))
                        .and(functions.col("_ln").equalTo(t.col(srcCol).cast("string"))), "left")
                .join(rhs, functions.col("_rt").equalTo(functions.col("_rhs_type"))
                        .and(functions.col("_rn").equalTo(t.col(dstCol).cast("string"))), "left");
        UserDefinedFunction score = functions.udf(new TripleScorer(inputs()), DataTypes.FloatType);
        List<Column> out = new ArrayList<>();
        for (String c : cols) {
            out.add(t.col(c));
        }
        out.add(score.apply(functions.col("_rel_id"), functions.col("_lv"), functions.col("_rv")).as("score"));
        return joined.select(out.toArray(Column[]::new));
    }

    /**
     * The {@code k} best answers to each query row: with a relation, the likeliest tails of (src, relation, ?) under the
     * model's operator and comparator (maximum inner product for {@code dot}, not L2); without one (no relation column,
     * or null), the k entities most cosine-similar to src. One row per answer: the query's columns, then {@code rank}
     * (1 = best), {@code neighbor}, {@code score}. Spark tasks answer slices of the queries, each scanning the candidate
     * embeddings from the checkpoint ({@code embark neighbors}'s code, so the answers are the command line's).
     */
    public Dataset<Row> nearest(Dataset<Row> queries, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k: " + k + " (expected >= 1)");
        }
        List<String> cols = Arrays.asList(queries.columns());
        require(cols, srcCol, "srcCol");
        List<ImportManifest.EntityTypeInfo> types = graph.manifest().entityTypes();
        NearestTask task = new NearestTask(inputs(), cols.indexOf(srcCol), cols.indexOf(relationCol), types.get(0).name(), k);
        StructType schema = queries.schema().add("rank", DataTypes.IntegerType, false).add("neighbor", DataTypes.StringType, false)
                .add("score", DataTypes.FloatType, false);
        return spark.createDataFrame(queries.toJavaRDD().mapPartitions(task), schema);
    }

    /**
     * Writes this model to {@code path} (any Hadoop URI) as a workspace with this checkpoint only: {@code graph/} and
     * {@code checkpoints/vNNNNNNNN/}, copied as they are (checksums and manifests included), under a temporary name renamed
     * into place when complete. An existing {@code path} is refused unless {@code overwrite}.
     */
    public void save(String path, boolean overwrite) throws IOException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Path target = new Path(workspace(spark, path).workspace());
        FileSystem fs = target.getFileSystem(conf);
        AtomicDirectory dir = AtomicDirectory.begin(fs, target, overwrite, "overwrite");
        try {
            Path graphDir = new Path(job.graphDir());
            copy(graphDir, new Path(dir.path(), "graph"), conf);
            CheckpointStore store = Checkpoints.store(conf, job);
            copy(store.versionDir(model.version()), new Path(dir.path(), "checkpoints/" + CheckpointStore.versionName(model.version())), conf);
            dir.commit();
        } finally {
            dir.abort();
        }
    }

    /** {@link #save(String, boolean)} refusing an existing path. */
    public void save(String path) throws IOException {
        save(path, false);
    }

    private static void copy(Path from, Path to, Configuration conf) throws IOException {
        FileSystem target = to.getFileSystem(conf);
        target.mkdirs(to.getParent());
        if (!FileUtil.copy(from.getFileSystem(conf), from, target, to, false, conf)) {
            throw new IOException("cannot copy " + from + " to " + to);
        }
    }

    private Column relationColumn(Dataset<Row> triples, List<String> cols) {
        if (cols.contains(relationCol)) {
            return triples.col(relationCol).cast("string");
        }
        List<ImportManifest.RelationInfo> rels = graph.manifest().relations();
        if (rels.size() != 1) {
            throw new IllegalArgumentException("relationCol: the triples have no column '" + relationCol + "' (they have " + cols
                    + "), and the model has " + rels.size() + " relations");
        }
        return functions.lit(rels.get(0).name());
    }

    private static void require(List<String> cols, String column, String param) {
        if (!cols.contains(column)) {
            throw new IllegalArgumentException(param + ": no column '" + column + "' (there are " + cols + ")");
        }
    }
}
