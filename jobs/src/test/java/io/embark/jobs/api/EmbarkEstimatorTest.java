package io.embark.jobs.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embark.embedding.eval.Neighbors;
import io.embark.jobs.config.ConfigException;
import io.embark.jobs.config.ConfigLoader;
import io.embark.jobs.config.JobConfig;
import io.embark.jobs.export.NeighborsJob;
import io.embark.jobs.imports.ImportJobTestAccess;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DataFrame API on a planted graph ({@link PlantedEdges}). One fit, shared by the tests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(600)
class EmbarkEstimatorTest {

    private static final StructType EDGES = PlantedEdges.SCHEMA;

    @TempDir
    static Path dir;

    private SparkSession spark;
    private EmbarkModel model;
    private PlantedEdges graph;
    private List<Row> heldOut;

    @BeforeAll
    void fitOnThePlantedGraph() throws Exception {
        spark = ImportJobTestAccess.spark();
        graph = PlantedEdges.generate(17);
        heldOut = graph.heldOut();
        model = estimator(dir.resolve("ws")).fit(spark.createDataFrame(graph.train(), EDGES));
    }

    private static EmbarkEstimator estimator(Path workspace) {
        return new EmbarkEstimator().setWorkspace(workspace.toString()).setPartitions(2).setDimension(16).setEpochs(8)
                .setOperator("complex_diagonal").setComparator("dot").setLoss("softmax").setLearningRate(0.1).setThreads(2)
                .set("training.negatives.chunkSize", "50").set("training.negatives.uniform", "50");
    }

    private Dataset<Row> queries(List<String[]> srcRelation) {
        List<Row> rows = new ArrayList<>();
        for (String[] q : srcRelation) {
            rows.add(RowFactory.create(q[0], q[1]));
        }
        return spark.createDataFrame(rows, new StructType().add("src", DataTypes.StringType).add("relation", DataTypes.StringType));
    }

    @Test
    void fitLearnsThePlantedStructure() {
        double hitsAt10 = graph.hitsAt10(spark, model);
        System.out.println("RESULT fit: hits@10 of held-out likes " + hitsAt10);
        assertTrue(hitsAt10 > 0.2, "hits@10 of held-out likes " + hitsAt10 + " far above chance (0.033)");
    }

    @Test
    void transformScoresAreTheCommandLinesNeighborsScores() throws Exception {
        JobConfig cli = JobConfig.read(ConfigLoader.fromText("", "cli", List.of("workspace=" + model.workspace(),
                "neighbors.entity=n4", "neighbors.relation=follows", "neighbors.k=10")));
        List<Neighbors.Neighbor> answer = NeighborsJob.ask(spark.sparkContext().hadoopConfiguration(), cli).neighbors();
        List<Row> triples = new ArrayList<>();
        for (Neighbors.Neighbor n : answer) {
            triples.add(RowFactory.create("n4", "follows", n.name(), 1.0));
        }
        Map<String, Float> scores = scores(model.transform(spark.createDataFrame(triples, EDGES)));
        for (Neighbors.Neighbor n : answer) {
            assertEquals(n.score(), scores.get(n.name()), 1e-5f * Math.abs(n.score()), "score of (n4, follows, " + n.name() + ")");
        }
        assertEquals(10, scores.size());
    }

    private static Map<String, Float> scores(Dataset<Row> scored) {
        Map<String, Float> out = new HashMap<>();
        for (Row r : scored.select("dst", "score").collectAsList()) {
            out.put(r.getString(0), r.isNullAt(1) ? null : r.getFloat(1));
        }
        return out;
    }

    @Test
    void nearestAtTenIsTheBruteForceTopTen() throws Exception {
        List<String> all = new ArrayList<>();
        for (int v = 0; v < 300; v++) {
            all.add("n" + v);
        }
        for (String[] q : List.of(new String[] {"n1", "likes"}, new String[] {"n77", "follows"}, new String[] {"n150", "likes"})) {
            List<Row> triples = new ArrayList<>();
            for (String t : all) {
                if (!t.equals(q[0])) {  // like the neighbors command, nearest leaves the query entity out of its own tails
                    triples.add(RowFactory.create(q[0], q[1], t, 1.0));
                }
            }
            List<Row> brute = model.transform(spark.createDataFrame(triples, EDGES)).orderBy(functions.col("score").desc())
                    .limit(10).collectAsList();
            List<Row> nearest = model.nearest(queries(List.<String[]>of(q)), 10).orderBy("rank").collectAsList();
            assertEquals(10, nearest.size());
            for (int i = 0; i < 10; i++) {
                assertEquals(brute.get(i).getString(2), nearest.get(i).getString(3), q[0] + " " + q[1] + ": answer " + (i + 1));
                assertEquals(brute.get(i).getFloat(4), nearest.get(i).getFloat(4), 1e-5f * Math.abs(brute.get(i).getFloat(4)));
            }
        }
    }

    @Test
    void aSavedModelLoadsWithTheSameEmbeddingsAndScores() throws Exception {
        String saved = dir.resolve("saved").toString();
        model.save(saved);
        EmbarkModel loaded = EmbarkModel.load(spark, saved);
        assertEquals(model.version(), loaded.version());
        assertEquals(vectors(model), vectors(loaded));
        Dataset<Row> triples = spark.createDataFrame(heldOut, EDGES);
        assertEquals(scores(model.transform(triples)), scores(loaded.transform(triples)));
        assertEquals(List.of("follows both", "likes both"), loaded.relationParameters().orderBy("name").collectAsList().stream()
                .map(r -> r.getString(1) + " " + r.getString(3)).toList(), "2 relations, one parameter set each (not reciprocal)");
        IOException refused = assertThrows(IOException.class, () -> model.save(saved));
        assertTrue(refused.getMessage().contains("already exists"), refused.getMessage());
    }

    private static Map<String, List<Float>> vectors(EmbarkModel m) {
        Map<String, List<Float>> out = new HashMap<>();
        for (Row r : m.entityEmbeddings().select("name", "vector").collectAsList()) {
            out.put(r.getString(0), r.getList(1));
        }
        return out;
    }

    @Test
    void badEdgesAreRefusedByColumnAndRowBeforeAnythingIsWritten() {
        Path ws = dir.resolve("bad");
        Dataset<Row> good = spark.createDataFrame(List.of(RowFactory.create("a", "r", "b", 1.0)), EDGES);
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> estimator(ws).setSrcCol("from").fit(good));
        assertTrue(missing.getMessage().startsWith("srcCol: the edges have no column 'from' (they have [src, relation, dst, weight])"),
                missing.getMessage());
        Dataset<Row> nullDst = spark.createDataFrame(List.of(RowFactory.create("a", "r", "b", 1.0), RowFactory.create("c", "r", null, 1.0)), EDGES);
        IllegalArgumentException nulls = assertThrows(IllegalArgumentException.class, () -> estimator(ws).fit(nullDst));
        assertEquals("edges: column dst: null in row {src=c, relation=r, dst=null, weight=1.0}", nulls.getMessage());
        Dataset<Row> nan = spark.createDataFrame(List.of(RowFactory.create("a", "r", "b", Double.NaN)), EDGES);
        IllegalArgumentException weight = assertThrows(IllegalArgumentException.class, () -> estimator(ws).fit(nan));
        assertEquals("edges: column weight: NaN is not finite (expected a number > 0 and <= 1e6) in row {src=a, relation=r, dst=b, weight=NaN}",
                weight.getMessage());
        assertFalse(Files.exists(ws), "nothing written");
    }

    /** Every typed setter sets exactly one config key, one the config loader reads: the two cannot drift apart. */
    @Test
    void everyTypedSetterSetsOneKeyTheConfigReads() throws Exception {
        Set<String> notKeys = Set.of("set", "setWorkspace", "setEntityType", "setSrcCol", "setDstCol", "setRelationCol", "setWeightCol");
        Map<Class<?>, Object> samples = Map.of(int.class, 3, long.class, 5L, double.class, 0.25, String.class, "x");
        Map<String, String> choices = Map.of("setOperator", "diagonal", "setComparator", "cos", "setLoss", "logistic");
        int setters = 0;
        for (Method m : EmbarkEstimator.class.getDeclaredMethods()) {
            if (!Modifier.isPublic(m.getModifiers()) || !m.getName().startsWith("set") || m.getParameterCount() != 1
                    || notKeys.contains(m.getName())) {
                continue;
            }
            EmbarkEstimator e = new EmbarkEstimator();
            Object value = choices.containsKey(m.getName()) ? choices.get(m.getName()) : samples.get(m.getParameterTypes()[0]);
            m.invoke(e, value);
            Map<String, String> set = e.settings();
            assertEquals(1, set.size(), m.getName() + " sets one key: " + set);
            Map.Entry<String, String> kv = set.entrySet().iterator().next();
            // the config reads it; the same value under a key it does not know is refused, naming the key
            JobConfig.read(config(kv.getKey() + "=" + kv.getValue()));
            ConfigException unknown = assertThrows(ConfigException.class, () -> JobConfig.read(config(kv.getKey() + "X=" + kv.getValue())));
            assertTrue(unknown.getMessage().contains(kv.getKey() + "X: unknown key"), unknown.getMessage());
            setters++;
        }
        assertTrue(setters >= 10, "typed setters found: " + setters);
    }

    private static io.embark.jobs.config.ConfigReader config(String set) {
        return ConfigLoader.fromText("", "setter", List.of(set, "graph.relations.lhs=entity", "graph.relations.rhs=entity"));
    }
}
