package io.embark.jobs.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embark.jobs.LoggedLines;
import io.embark.jobs.TrainedWorkspace;
import io.embark.jobs.eval.EvalJob;
import io.embark.jobs.export.ExportJob;
import io.embark.jobs.imports.ImportJob;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/**
 * eval and export log progress lines through the configured interval ({@code progress.intervalSeconds = 0.01}: a
 * Spark job on the small trained workspace runs many times longer), and their tasks count what they do: the
 * accumulators' final values, as a listener of this test sees them at task ends, add up to the rankings of the
 * split and the rows of the export. The lines are read from the logger they go to ({@code System.Logger}, backed by
 * java.util.logging here).
 */
@Timeout(600)
class ProgressWiringTest {

    private static final String COUNT = "[0-9][0-9.,]*[kMB]?";
    private static final String STAGES = "(no stage started yet|between stages \\(\\d+ done\\)|stage \\d+ \\([^)]*\\) \\d+/\\d+ tasks)";

    @TempDir
    Path tmp;

    @Test
    void evalLogsRankingsDoneOfBothSidesOfEveryEdge() throws Exception {
        Map<String, Long> counted = new ConcurrentHashMap<>();
        long[] rankings = new long[1];
        List<String> lines = captured(counted, () -> rankings[0] = ((Number) EvalJob.run(TrainedWorkspace.spark(),
                TrainedWorkspace.config("eval.version=1", "progress.intervalSeconds=0.01")).get("count")).longValue());
        assertEquals(rankings[0], eventually(counted, "embark progress: eval test", rankings[0]), "the tasks counted every ranking once");
        assertFalse(lines.isEmpty(), "no progress line from eval with a 10 ms interval");
        Pattern p = Pattern.compile("eval test: " + STAGES + ", " + COUNT + " of " + COUNT + " rankings \\(\\d+%\\), [0-9,]+ rankings/s, "
                + "ETA (\\d+m\\d\\ds|unknown)");
        for (String l : lines) {
            assertTrue(p.matcher(l).matches(), l);
        }
    }

    @Test
    void exportLogsRowsOfEachFormat() throws Exception {
        Map<String, Long> counted = new ConcurrentHashMap<>();
        List<String> lines = captured(counted, () -> ExportJob.run(TrainedWorkspace.spark(), TrainedWorkspace.config(
                "export.output=" + tmp.resolve("out"), "progress.intervalSeconds=0.01")));
        assertEquals(300, eventually(counted, "embark progress: export tsv", 300), "every TSV row counted once");
        assertEquals(300, eventually(counted, "embark progress: export parquet", 300), "every Parquet row counted once");
        Pattern p = Pattern.compile("export (tsv|parquet): " + STAGES + ", " + COUNT + " of 300 rows \\(\\d+%\\), [0-9,]+ rows/s, "
                + "ETA (\\d+m\\d\\ds|unknown)");
        for (String l : lines) {
            assertTrue(p.matcher(l).matches(), l);
        }
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("export tsv: ")), "a line while the TSV was written: " + lines);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("export parquet: ")), "a line while the Parquet was written: " + lines);
    }

    @Test
    void importLogsInputRecordsAndEdgesRoutedToBuckets() throws Exception {
        Map<String, Long> counted = new ConcurrentHashMap<>();
        Path ws = tmp.resolve("reimport");
        // the shared workspace imports its graph the first time it is used: before the capture, so only this import counts
        var job = TrainedWorkspace.config("workspace=" + ws, "progress.intervalSeconds=0.01");
        List<String> lines = captured(counted, () -> ImportJob.run(TrainedWorkspace.spark(), job));
        long trainEdges = io.embark.partitioning.ImportedGraph.open(org.apache.hadoop.fs.FileSystem.getLocal(
                new org.apache.hadoop.conf.Configuration()), new org.apache.hadoop.fs.Path(ws + "/graph")).manifest().split("train").edges();
        assertEquals(trainEdges, eventually(counted, "embark progress: import train", trainEdges), "every train edge routed and counted once");
        Pattern edges = Pattern.compile("import train: " + STAGES + ", " + COUNT + " of (" + COUNT + ") edges \\(\\d+%\\), [0-9,]+ edges/s, "
                + "ETA (\\d+m\\d\\ds|unknown)");
        assertTrue(lines.stream().anyMatch(l -> edges.matcher(l).matches()), "a line while train's buckets were written: " + lines);
        // the total counted towards is the train input's records (its edges, give or take blank and bad lines), once
        for (String l : lines) {
            Matcher m = edges.matcher(l);
            if (m.matches()) {
                double total = parseCount(m.group(2));
                assertTrue(total >= trainEdges * 0.99 && total < trainEdges * 1.1, "total " + total + " for " + trainEdges + " edges: " + l);
            }
        }
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("import: dictionaries: ")), "a line while the dictionaries were built: " + lines);
    }

    /** A count as ProgressFormat.count writes it: 1,234 or 12.3k / 4.5M / 1.23B. */
    private static double parseCount(String s) {
        String digits = s.replace(",", "");
        char unit = digits.charAt(digits.length() - 1);
        double scale = unit == 'k' ? 1e3 : unit == 'M' ? 1e6 : unit == 'B' ? 1e9 : 1;
        return Double.parseDouble(scale == 1 ? digits : digits.substring(0, digits.length() - 1)) * scale;
    }

    /**
     * The lines StageProgress logged while {@code run} ran; {@code counted} gets the sum of each named accumulator's
     * values at the end of successful tasks (as the listener bus delivers them, possibly after {@code run} returns).
     */
    private static List<String> captured(Map<String, Long> counted, LoggedLines.Body run) throws Exception {
        SparkListener listener = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (end.reason() != Success$.MODULE$) {
                    return;
                }
                for (AccumulableInfo a : CollectionConverters.asJava(end.taskInfo().accumulables())) {
                    if (a.name().isDefined() && a.update().isDefined() && a.update().get() instanceof Long v) {
                        counted.merge(a.name().get(), v, Long::sum);
                    }
                }
            }
        };
        TrainedWorkspace.spark().sparkContext().addSparkListener(listener);
        try {
            return LoggedLines.during(StageProgress.class.getName(), run);
        } finally {
            TrainedWorkspace.spark().sparkContext().removeSparkListener(listener);
        }
    }

    /** Waits (up to 30 s) for the listener bus to deliver the task ends that bring {@code name} to {@code expected}. */
    private static long eventually(Map<String, Long> counted, String name, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (counted.getOrDefault(name, 0L) != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return counted.getOrDefault(name, 0L);
    }
}
