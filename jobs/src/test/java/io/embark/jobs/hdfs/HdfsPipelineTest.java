package io.embark.jobs.hdfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.embark.jobs.Main;
import io.embark.jobs.config.ConfigLoader;
import io.embark.jobs.config.DriverPaths;
import io.embark.jobs.config.JobConfig;
import io.embark.jobs.imports.ImportJobTestAccess;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole pipeline (generate -> import -> train -> eval -> export -> neighbors -> report) in Spark local mode with
 * the workspace and the edge files on a real HDFS ({@link MiniHdfs}): every stage reads and writes through the Hadoop
 * FileSystem API, and the model learns the planted structure as it does on the local disk.
 */
@ExtendWith(MiniHdfs.Extension.class)
@Timeout(600)
class HdfsPipelineTest {

    private static final String CONF = """
            workspace = %1$s
            generate { output = %1$s/edges, model = clusters, nodes = 600, edges = 20000, relations = 2, clusters = 12
                       noise = 0.05, validFraction = 0.03, testFraction = 0.03, files = 2, seed = 5, overwrite = true }
            data { train = %1$s/edges/train, valid = %1$s/edges/valid, test = %1$s/edges/test }
            graph { entities.node.partitions = 2, relations { dynamic = true, lhs = node, rhs = node } }
            model { dimension = 16, comparator = dot, relation.operator = complex_diagonal }
            training { epochs = 6, threads = 2, loss = softmax, learningRate = 0.1, negatives { chunkSize = 50, uniform = 50 }
                       eval { every = 3, split = valid }, keepCheckpoints = 2 }
            eval.split = test
            neighbors { entity = n7, relation = r0, k = 5 }
            """;

    @Test
    void thePipelineRunsWithItsWorkspaceOnHdfsAndLearns(MiniHdfs hdfs) throws Exception {
        String ws = hdfs.uri("/pipeline/ws");
        SparkSession spark = ImportJobTestAccess.spark();
        JobConfig job = JobConfig.read(ConfigLoader.fromText(CONF.formatted(ws), "hdfs.conf", List.of())
                .qualifyingPaths(new DriverPaths(spark.sparkContext().hadoopConfiguration(), "local[2]", false)));
        for (String stage : List.of("generate", "import", "train", "eval", "export", "neighbors", "report")) {
            Main.runStage(stage, spark, job);
        }
        // a second training run resumes from the newest checkpoint and replaces stats.jsonl (rename onto a file)
        JobConfig more = JobConfig.read(ConfigLoader.fromText(CONF.formatted(ws), "hdfs.conf", List.of("training.epochs=7")));
        Main.runStage("train", spark, more);
        // and a second export replaces the first (rename of a directory onto an existing one)
        Main.runStage("export", spark, JobConfig.read(ConfigLoader.fromText(CONF.formatted(ws), "hdfs.conf",
                List.of("export.overwrite=true"))));

        try (FileSystem fs = hdfs.fileSystem()) {
            Path root = new Path(ws);
            List<String> files = list(fs, root);
            Map<?, ?> m;
            try (InputStream in = fs.open(new Path(root, "checkpoints/v00000006/metrics-test-all.json"))) {
                m = new ObjectMapper().readValue(in, Map.class);
            }
            double mrr = ((Number) m.get("mrr")).doubleValue();
            // 600 nodes: ranking at random gives MRR = H(600) / 600 = 0.012; knowing the planted cluster (50 nodes)
            // alone gives about H(50) / 50 = 0.09
            assertTrue(mrr > 0.05, "filtered MRR " + mrr + " far above chance (0.012); files: " + files);
            assertEquals(List.of("v00000006", "v00000007"), versions(fs, new Path(root, "checkpoints")), "keepCheckpoints = 2");
            assertEquals(7, lines(fs, new Path(root, "checkpoints/stats.jsonl")), "stats.jsonl replaced by the resumed run");
            assertTrue(fs.exists(new Path(root, "export/entities.parquet/_SUCCESS")), "Parquet export: " + files);
            assertTrue(fs.exists(new Path(root, "export/entities/node/part-00001.tsv")), "TSV export: " + files);
            assertTrue(files.stream().noneMatch(f -> f.startsWith("export/export/") || f.contains("._tmp-")),
                    "the second export replaced the first, not nested into it, and no temporary is left: " + files);
            assertTrue(fs.exists(new Path(root, "checkpoints/report.html")), "report: " + files);
            assertTrue(fs.exists(new Path(root, "graph/manifest.json")), "import: " + files);
        }
    }

    static List<String> list(FileSystem fs, Path root) throws Exception {
        List<String> out = new ArrayList<>();
        String prefix = fs.makeQualified(root).toUri().getPath() + "/";
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
        while (it.hasNext()) {
            out.add(it.next().getPath().toUri().getPath().substring(prefix.length()));
        }
        return out;
    }

    private static List<String> versions(FileSystem fs, Path dir) throws Exception {
        List<String> out = new ArrayList<>();
        for (var st : fs.listStatus(dir)) {
            if (st.isDirectory()) {
                out.add(st.getPath().getName());
            }
        }
        out.sort(null);
        return out;
    }

    private static long lines(FileSystem fs, Path file) throws Exception {
        try (InputStream in = fs.open(file)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().count();
        }
    }
}
