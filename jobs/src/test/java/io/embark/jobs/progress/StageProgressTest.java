package io.embark.jobs.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embark.embedding.progress.ProgressLog;
import io.embark.jobs.TrainedWorkspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stage's progress in Spark local mode: lines every 100 ms while a job runs, with the stage, its tasks and the
 * count, including what running tasks counted (carried by executor heartbeats). The job is held back inside this
 * test until the line it waits for has been logged, so nothing depends on how fast the machine is.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StageProgressTest {

    /** Released by the progress sink; the test's tasks wait for it (local mode: one JVM, one static). */
    private static volatile CountDownLatch release;

    @TempDir
    Path tmp;

    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

    @Test
    void logsTasksAndEdgesWhileAJobRunsCountingRunningTasksFromHeartbeats() throws Exception {
        SparkSession spark = TrainedWorkspace.spark();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        CountDownLatch latch = new CountDownLatch(1);
        release = latch;
        // local[2]: two of the four tasks run, each has counted 1,000 edges and waits; the line that shows their 2,000
        // can only come from heartbeats of running tasks, since no task has finished
        Pattern running = Pattern.compile("slow job: stage \\d+ \\(foreach at StageProgressTest\\.java:\\d+\\) 0/4 tasks, "
                + "2,000 of 4,000 edges \\(50%\\), [0-9,]+ edges/s, ETA (\\d+m\\d\\ds|unknown)");
        ProgressLog log = new ProgressLog(Duration.ofMillis(100), (logger, line) -> {
            lines.add(line);
            if (running.matcher(line).matches()) {
                latch.countDown();
            }
        });
        try (StageProgress progress = StageProgress.counting(spark, log, "slow job", "edges", OptionalLong.of(4_000))) {
            LongAccumulator edges = progress.counter();
            jsc.parallelize(List.of(0, 1, 2, 3), 4).foreach(i -> {
                edges.add(1_000);
                release.await(60, TimeUnit.SECONDS);
            });
            assertEquals(4_000, eventually(() -> progress.counts().count(), 4_000), "every finished task's count, once");
            // the listener bus delivers the stage's end after its tasks' ends: wait for it as for the counts
            assertEquals(1, eventually(() -> progress.counts().stagesDone(), 1), "the stage is counted done");
            assertEquals(0, eventually(() -> progress.counts().running().size(), 0), "no task left running");
        }
        assertTrue(lines.stream().anyMatch(l -> running.matcher(l).matches()),
                "no line showed the running tasks' 2,000 edges; lines: " + lines);
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.isAlive() && t.getName().startsWith("embark-progress")),
                "the reporter's thread is gone");
        assertNull(spark.sparkContext().getLocalProperty(StageProgress.JOB_PROPERTY), "the thread's job tag is restored");
        int logged = lines.size();
        jsc.parallelize(List.of(1, 2), 2).count();
        assertEquals(logged, lines.size(), "nothing is logged once closed");
    }

    @Test
    void readingInputCountsTheRecordsTasksReadFromFiles() throws Exception {
        SparkSession spark = TrainedWorkspace.spark();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Path file = tmp.resolve("edges.tsv");
        Files.write(file, IntStream.range(0, 5_000).mapToObj(i -> "a" + i + "\tr\tb" + i).toList());
        ProgressLog quiet = new ProgressLog(Duration.ofHours(1), (logger, line) -> lines.add(line));
        try (StageProgress progress = StageProgress.readingInput(spark, quiet, "import")) {
            // read as the import reads text (Hadoop's TextInputFormat), in two splits
            jsc.hadoopConfiguration().setLong("mapreduce.input.fileinputformat.split.maxsize", 40_000);
            long n = jsc.newAPIHadoopFile(file.toString(), TextInputFormat.class, LongWritable.class, Text.class,
                    jsc.hadoopConfiguration()).count();
            jsc.hadoopConfiguration().unset("mapreduce.input.fileinputformat.split.maxsize");
            assertEquals(5_000, n);
            assertEquals(5_000, eventually(() -> progress.counts().count(), 5_000));
            String line = progress.line();
            assertTrue(line.startsWith("import: between stages (1 done), 5,000 input records, "), line);
        }
        assertTrue(lines.isEmpty());
    }

    /** Polls {@code value} until it equals {@code expected} (the listener bus delivers task ends asynchronously). */
    private static long eventually(LongSupplier value, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long v = value.getAsLong();
        while (v != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
            v = value.getAsLong();
        }
        return v;
    }
}
