package io.embark.jobs;

import io.embark.jobs.config.ConfigLoader;
import io.embark.jobs.config.JobConfig;
import io.embark.jobs.imports.ImportJobTestAccess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * A small generated graph (planted clusters, 300 nodes, 3 relations, entity type {@code node} in 2 partitions),
 * imported and trained for 2 epochs (checkpoints v00000001 and v00000002) once per test JVM, for the tests of the
 * stages that read checkpoints.
 */
public final class TrainedWorkspace {

    private static Path dir;

    private TrainedWorkspace() {
    }

    static String text(Path d) {
        return """
                workspace = %1$s
                generate { output = %1$s/edges, model = clusters, nodes = 300, edges = 6000, relations = 3, clusters = 10
                           validFraction = 0.05, testFraction = 0.05, files = 1, seed = 3, overwrite = true }
                data { train = %1$s/edges/train, valid = %1$s/edges/valid, test = %1$s/edges/test }
                graph { entities.node.partitions = 2, relations { dynamic = true, lhs = node, rhs = node } }
                model { dimension = 8, relation.operator = complex_diagonal, reciprocal = true, initScale = 0.1 }
                training { epochs = 2, threads = 2, loss = softmax }
                """.formatted(d);
    }

    /** The workspace's config with {@code sets} applied. */
    public static JobConfig config(String... sets) throws Exception {
        Path d = dir();
        return JobConfig.read(ConfigLoader.fromText(text(d), "trained-workspace.conf", List.of(sets)));
    }

    public static SparkSession spark() {
        return ImportJobTestAccess.spark();
    }

    public static synchronized Path dir() throws Exception {
        if (dir == null) {
            Path d = Files.createTempDirectory("embark-trained-");
            JobConfig job = JobConfig.read(ConfigLoader.fromText(text(d), "trained-workspace.conf", List.of()));
            for (String stage : List.of("generate", "import", "train")) {
                Main.runStage(stage, spark(), job);
            }
            dir = d;
        }
        return dir;
    }

    /** {@code sets} plus more. */
    public static String[] with(String[] sets, String... more) {
        List<String> all = new ArrayList<>(Arrays.asList(sets));
        all.addAll(Arrays.asList(more));
        return all.toArray(String[]::new);
    }
}
