package io.embark.jobs.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embark.jobs.config.ConfigLoader;
import io.embark.jobs.config.JobConfig;
import io.embark.jobs.export.NeighborsJob;
import io.embark.jobs.imports.ImportJobTestAccess;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import scala.runtime.AbstractFunction0;

/**
 * The README's Java application ("Use Embark from your Spark application"), taken from the README's text, compiled
 * with javac and its main run in this JVM (its {@code getOrCreate()} finds the tests' session), with the arguments of
 * the README's command, in a folder holding a planted graph's {@code edges.tsv}: it trains on that
 * file, and the model it saves is read back here (it learned the planted structure), by
 * {@code embark neighbors}'s code, and by the README's spark-shell lines ({@link SparkShellSnippet}).
 */
@Timeout(1200) // a guard against hanging, not a speed goal: the Scala interpreter's first compile is slow on a busy machine
class EmbarkApiReadmeTest {

    @TempDir
    Path dir;

    @Test
    void theReadmesJavaApplicationRunsAsWrittenAndItsModelLearns() throws Exception {
        Path repo = Path.of(System.getProperty("embark.repo.root", "..")).toAbsolutePath().normalize();
        List<String> readme = Files.readAllLines(repo.resolve("README.md"));
        String heading = "## Use Embark from your Spark application";
        String source = block(readme, heading, "```java");
        List<String> args = arguments(block(readme, heading, "```bash"), "your-app.jar");
        Path app = dir.resolve("FollowEmbeddings.java");
        Files.writeString(app, source);
        PlantedEdges graph = PlantedEdges.generate(23);
        Files.writeString(dir.resolve(args.get(0)), graph.tsv());
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, "-d", classes.toString(), "-cp", SparkShellSnippet.classpath(), app.toString()),
                "the README's Java application compiles");

        // run as if started in the folder holding edges.tsv: relative paths resolve against the local file system's
        // working directory, which is the JVM's folder unless set
        SparkSession spark = ImportJobTestAccess.spark();
        FileSystem local = FileSystem.getLocal(spark.sparkContext().hadoopConfiguration());
        org.apache.hadoop.fs.Path cwd = local.getWorkingDirectory();
        local.setWorkingDirectory(new org.apache.hadoop.fs.Path(dir.toUri()));
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            Method main = loader.loadClass("FollowEmbeddings").getMethod("main", String[].class);
            // Dataset.show prints with Scala's println: Console.out, not System.out
            scala.Console.withOut(new PrintStream(shown, true, StandardCharsets.UTF_8), new AbstractFunction0<Object>() {
                @Override
                public Object apply() {
                    try {
                        return main.invoke(null, (Object) args.toArray(String[]::new));
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException("the README's application failed", e);
                    }
                }
            });
            String out = shown.toString(StandardCharsets.UTF_8);
            assertTrue(out.contains("|entity_type|name|partition|offset|") && out.contains("|rank|neighbor|"), "the shown DataFrames: " + out);
            runTheShellLinesAndCheckTheSavedModel(spark, readme, heading, graph, dir.resolve(args.get(2)));
        } finally {
            local.setWorkingDirectory(cwd);
        }
    }

    private void runTheShellLinesAndCheckTheSavedModel(SparkSession spark, List<String> readme, String heading, PlantedEdges graph,
                                                        Path model) throws Exception {
        EmbarkModel saved = EmbarkModel.load(spark, model.toString());
        double hitsAt10 = graph.hitsAt10(spark, saved);
        assertTrue(hitsAt10 > 0.2, "hits@10 of the README application's model " + hitsAt10 + " far above chance (0.033)");
        JobConfig cli = JobConfig.read(ConfigLoader.fromText("", "cli", List.of("workspace=" + model,
                "neighbors.entity=n3", "neighbors.relation=likes", "neighbors.k=5")));
        assertEquals(5, NeighborsJob.ask(spark.sparkContext().hadoopConfiguration(), cli).neighbors().size(),
                "embark neighbors reads the saved model");

        // the spark-shell lines, in the same folder
        try (SparkShellSnippet shell = new SparkShellSnippet()) {
            shell.run(block(readme, heading, "```scala").split("\n"));
            @SuppressWarnings("unchecked")
            List<Row> answers = ((Dataset<Row>) shell.value("answers")).collectAsList();
            assertEquals(10, answers.size(), "5 tails of (n3, likes, ?), 5 entities similar to n7: " + answers);
            long inCluster = answers.stream().filter(r -> r.getString(0).equals("n3"))
                    .filter(r -> Integer.parseInt(r.getString(3).substring(1)) % 10 == 3).count();
            // n3 likes nodes of its planted cluster (node mod 10 = 3): a tenth of the candidates
            assertTrue(inCluster >= 3, "likeliest tails of (n3, likes) in n3's cluster: " + inCluster + " of 5 (chance 0.5): " + answers);
        }
    }

    /** The arguments after {@code after} in the command of a bash block. */
    static List<String> arguments(String command, String after) {
        String tail = command.substring(command.indexOf(after) + after.length()).strip();
        return List.of(tail.split("\\s+"));
    }

    /** The first block opened by {@code fence} ({@code ```java}) after the heading. */
    static String block(List<String> readme, String heading, String fence) {
        int i = readme.indexOf(heading);
        assertTrue(i >= 0, "README has " + heading);
        while (!readme.get(i).equals(fence)) {
            i++;
        }
        StringBuilder sb = new StringBuilder();
        for (i++; !readme.get(i).equals("```"); i++) {
            sb.append(readme.get(i)).append('\n');
        }
        return sb.toString();
    }
}
