package io.embark.jobs.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.embark.embedding.config.ConfigChoice;
import io.embark.embedding.eval.TrainedModel;
import io.embark.embedding.model.RelationParameters;
import io.embark.embedding.storage.CheckpointInfo;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.jobs.config.ExportConfig;
import io.embark.jobs.config.ExportFormat;
import io.embark.jobs.config.JobConfig;
import io.embark.jobs.eval.Checkpoints;
import io.embark.jobs.eval.TaskInputs;
import io.embark.jobs.progress.StageProgress;
import io.embark.partitioning.AtomicDirectory;
import io.embark.partitioning.ImportManifest;
import io.embark.partitioning.ImportedGraph;
import io.embark.partitioning.NameCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code export} command: the embeddings and relation parameters of one checkpoint version
 * ({@code export.version}, the newest by default) written for other systems, one Spark task per (entity type,
 * partition). The whole output is written under a temporary name and renamed into place when complete
 * ({@link AtomicDirectory}):
 * <pre>
 *   OUT/entities.parquet/          entity_type, name, partition, offset, vector array&lt;float&gt;   (Spark, pyarrow, pandas)
 *   OUT/entities/TYPE/part-00000.tsv   name TAB v0 TAB v1 ...                                  (one file per partition)
 *   OUT/relations.parquet/         relation, name, operator, side, weight, parameters array&lt;float&gt;
 *   OUT/relations.tsv              name TAB side TAB operator TAB p0 TAB p1 ...
 *   OUT/export.json                the checkpoint version, entity types (partitions, count, dimension), formats
 * </pre>
 * {@code side} says which prediction a relation's parameters serve: {@code rhs} and {@code lhs} with reciprocal
 * relations (two parameter sets), {@code both} otherwise (the lhs is predicted with the operator's adjoint). Each
 * format's entity rows log their progress every {@code progress.intervalSeconds} ({@link StageProgress}). A checkpoint
 * file that does not verify stops the export naming it and the newest older version that verifies.
 */
public final class ExportJob {

    private static final Logger LOG = LoggerFactory.getLogger(ExportJob.class);

    static final StructType RELATION_SCHEMA = new StructType()
            .add("relation", DataTypes.IntegerType, false)
            .add("name", DataTypes.StringType, false)
            .add("operator", DataTypes.StringType, false)
            .add("side", DataTypes.StringType, false)
            .add("weight", DataTypes.FloatType, false)
            .add("parameters", DataTypes.createArrayType(DataTypes.FloatType, false), false);

    private ExportJob() {
    }

    /**
     * The Spark SQL types of the exported schemas, which Spark ships between JVMs when it reads the Parquet back (its
     * schema inference collects footers): registered for {@code spark.kryo.registrationRequired}.
     */
    public static List<Class<?>> kryoClasses() {
        return List.of(org.apache.spark.sql.types.ArrayType.class, DataTypes.FloatType.getClass(), DataTypes.IntegerType.getClass());
    }

    public static Path run(SparkSession spark, JobConfig job) throws IOException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        ExportConfig export = job.export();
        Path graphDir = new Path(job.graphDir());
        ImportedGraph graph = ImportedGraph.open(graphDir.getFileSystem(conf), graphDir);
        Path ckpt = new Path(job.checkpointDir());
        CheckpointStore store = new CheckpointStore(ckpt.getFileSystem(conf), ckpt);
        TrainedModel model = Checkpoints.open(store, export.version(), "export.version");
        Path out = new Path(export.output());
        FileSystem fs = out.getFileSystem(conf);
        AtomicDirectory dir = AtomicDirectory.begin(fs, out, export.overwrite(), "export.overwrite");
        long entities = graph.manifest().entityTypes().stream().mapToLong(ImportManifest.EntityTypeInfo::count).sum();
        try {
            Checkpoints.explainingDamage(store, "export.version", OptionalInt.of(model.version()), () -> {
                List<ImportManifest.EntityTypeInfo> types = graph.manifest().entityTypes();
                List<int[]> parts = partitions(graph);
                PartitionSource source = source(conf, job, graph, model.version());
                JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
                if (export.formats().contains(ExportFormat.TSV)) {
                    try (StageProgress progress = StageProgress.counting(spark, job.progress().log(), "export tsv", "rows",
                            OptionalLong.of(entities))) {
                        jsc.parallelize(parts, parts.size())
                                .mapPartitions(new TsvPartitionWriter(source, new Path(dir.path(), "entities").toString(), progress.counter()))
                                .collect();
                    }
                    writeRelationsTsv(fs, new Path(dir.path(), "relations.tsv"), graph.relationNames(), model.relations());
                }
                if (export.formats().contains(ExportFormat.PARQUET)) {
                    try (StageProgress progress = StageProgress.counting(spark, job.progress().log(), "export parquet", "rows",
                            OptionalLong.of(entities))) {
                        entityFrame(spark, source, parts, progress.counter())
                                .write().mode(SaveMode.ErrorIfExists).parquet(new Path(dir.path(), "entities.parquet").toString());
                    }
                    relationFrame(spark, graph, model).coalesce(1).write().mode(SaveMode.ErrorIfExists).parquet(new Path(dir.path(), "relations.parquet").toString());
                }
                writeSummary(fs, new Path(dir.path(), "export.json"), model, types, export);
                dir.commit();
                return null;
            });
        } finally {
            dir.abort();
        }
        LOG.info("export: checkpoint v{} ({} entities, {} relations) written as {} to {}", String.format("%08d", model.version()),
                String.format("%,d", entities), model.relations().count(),
                export.formats().stream().map(ConfigChoice::spelling).sorted().toList(), out);
        return out;
    }

    /** Every (entity type index, partition) of the dataset: one export task each. */
    private static List<int[]> partitions(ImportedGraph graph) {
        List<ImportManifest.EntityTypeInfo> types = graph.manifest().entityTypes();
        List<int[]> parts = new ArrayList<>();
        for (int t = 0; t < types.size(); t++) {
            for (int p = 0; p < types.get(t).partitions(); p++) {
                parts.add(new int[] {t, p});
            }
        }
        return parts;
    }

    private static PartitionSource source(Configuration conf, JobConfig job, ImportedGraph graph, int version) {
        return new PartitionSource(TaskInputs.of(conf, job, version),
                graph.manifest().entityTypes().stream().map(ImportManifest.EntityTypeInfo::name).toArray(String[]::new));
    }

    private static Dataset<Row> entityFrame(SparkSession spark, PartitionSource source, List<int[]> parts, LongAccumulator rows) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return spark.createDataFrame(jsc.parallelize(parts, parts.size()).flatMap(new EntityRows(source, rows)), EntityRows.SCHEMA);
    }

    /**
     * The embeddings of checkpoint {@code version} as a DataFrame, as the Parquet export writes them ({@code entity_type,
     * name, partition, offset, vector array<float>}): one Spark task per (entity type, partition), each reading its
     * names and table itself; nothing passes through the driver.
     */
    public static Dataset<Row> entityFrame(SparkSession spark, JobConfig job, ImportedGraph graph, int version) {
        List<int[]> parts = partitions(graph);
        return entityFrame(spark, source(spark.sparkContext().hadoopConfiguration(), job, graph, version), parts,
                spark.sparkContext().longAccumulator("embark entity rows"));
    }

    /** The relation parameters of {@code model}, as the Parquet export writes them ({@link #RELATION_SCHEMA}). */
    public static Dataset<Row> relationFrame(SparkSession spark, ImportedGraph graph, TrainedModel model) throws IOException {
        return spark.createDataFrame(relationRows(graph.relationNames(), model.relations()), RELATION_SCHEMA);
    }

    private static String side(RelationParameters rp, int slot) {
        return !rp.reciprocal() ? "both" : slot == RelationParameters.RHS_SLOT ? "rhs" : "lhs";
    }

    private static List<Row> relationRows(List<String> names, RelationParameters rp) {
        List<Row> rows = new ArrayList<>();
        for (int r = 0; r < rp.count(); r++) {
            for (int slot = 0; slot < rp.slots(); slot++) {
                rows.add(RowFactory.create(r, names.get(r), ConfigChoice.spelling(rp.operator(r).type()), side(rp, slot),
                        rp.weight(r), rp.params(r, slot).clone()));
            }
        }
        return rows;
    }

    private static void writeRelationsTsv(FileSystem fs, Path file, List<String> names, RelationParameters rp) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < rp.count(); r++) {
            for (int slot = 0; slot < rp.slots(); slot++) {
                sb.append(NameCodec.encode(names.get(r))).append('\t').append(side(rp, slot)).append('\t')
                        .append(ConfigChoice.spelling(rp.operator(r).type()));
                for (float v : rp.params(r, slot)) {
                    sb.append('\t').append(v);
                }
                sb.append('\n');
            }
        }
        try (OutputStream os = fs.create(file, false)) {
            os.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void writeSummary(FileSystem fs, Path file, TrainedModel model, List<ImportManifest.EntityTypeInfo> types,
                                     ExportConfig export) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("checkpoint_version", model.version());
        m.put("epochs", model.info().epochs());
        List<Map<String, Object>> ts = new ArrayList<>();
        for (ImportManifest.EntityTypeInfo t : types) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", t.name());
            e.put("partitions", t.partitions());
            e.put("count", t.count());
            e.put("dimension", model.info().partitions().stream().filter(tp -> tp.entityType().equals(t.name()))
                    .mapToInt(CheckpointInfo.TablePartition::dim).findFirst().orElse(0));
            ts.add(e);
        }
        m.put("entity_types", ts);
        m.put("relations", model.relations().count());
        m.put("reciprocal", model.relations().reciprocal());
        m.put("formats", export.formats().stream().map(ConfigChoice::spelling).sorted().toList());
        try (OutputStream os = fs.create(file, false)) {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(os, m);
        }
    }
}
