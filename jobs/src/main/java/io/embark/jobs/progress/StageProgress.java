package io.embark.jobs.progress;

import io.embark.embedding.progress.Progress;
import io.embark.embedding.progress.ProgressFormat;
import io.embark.embedding.progress.ProgressLog;
import io.embark.embedding.progress.ProgressTimer;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

/**
 * Logs the progress of the Spark jobs run on this thread while it is open: every interval, the running stages with
 * their tasks done, what the tasks counted so far (edges, rankings, rows: finished tasks exactly, running tasks as of
 * their last executor heartbeat), the rate and an ETA. Open it around the Spark actions of a long stage, on the thread
 * that runs them (it tags their jobs with a local property):
 * <pre>
 *   try (StageProgress progress = StageProgress.counting(spark, log, "eval test", "rankings", OptionalLong.of(2 * edges))) {
 *       rdd.mapPartitions(new RankSlices(..., progress.counter())).collect();   // tasks call counter().add(n)
 *   }
 *   try (StageProgress progress = StageProgress.readingInput(spark, log, "import")) {   // counts Spark's input records
 *       ... the import's actions, unchanged ...
 *   }
 * </pre>
 * A line, with a known total:
 * <pre>
 *   eval test: stage 12 (collect at EvalJob.java:83) 5/16 tasks, 1.2M of 4.0M rankings (30%), 45,000 rankings/s, ETA 1m02s
 * </pre>
 * and without one (the ETA then comes from the running stages' tasks done):
 * <pre>
 *   import: stage 3 (save at ImportJob.java:120) 5/16 tasks, 12.0M input records, 450,000 input records/s, ETA 2m10s for the running stage (from its tasks)
 * </pre>
 * and, for stages whose tasks wait for each other (a barrier stage), where a count and an ETA would say nothing,
 * what the work is waiting for:
 * <pre>
 *   epoch 3 on 2 workers: waiting for stage 5 attempt 1 (repartition at DistributedTrainJob.java:84): 1/2 tasks running, 1 finished, 0m45s
 * </pre>
 * Nothing is logged before the first interval has passed, so short jobs stay quiet. Closing stops the timer (no
 * thread stays behind), removes the listener and restores the thread's previous tag. They are not meant to nest: while
 * an inner one is open, the thread's jobs are its own and the outer one sees none of them.
 */
public final class StageProgress implements AutoCloseable {

    /** The local property that tags the jobs a StageProgress watches. */
    public static final String JOB_PROPERTY = "embark.progress";
    /** Spark's task metric of records read from the input (files, tables), as its accumulator is named. */
    static final String INPUT_RECORDS = "internal.metrics.input.recordsRead";

    private static final AtomicLong TAGS = new AtomicLong();

    private final SparkContext sc;
    private final String what;
    private final Mode mode;
    private final String unit;
    private final OptionalLong expected;
    private final LongAccumulator counter;
    private final StageTracker tracker = new StageTracker();
    private final StageListener listener;
    private final String previousTag;
    private final LongSupplier nanoClock = System::nanoTime;
    private final long startNanos;
    private final ProgressTimer timer;
    private final TaskEta tasksEta = new TaskEta();

    /** What the line reports: a counter the tasks add to, Spark's input records, or only the tasks. */
    private enum Mode { COUNTER, INPUT, TASKS }

    private StageProgress(SparkSession spark, ProgressLog log, String what, String unit, OptionalLong expected, Mode mode) {
        this.sc = spark.sparkContext();
        this.what = what;
        this.mode = mode;
        this.unit = unit;
        this.expected = expected;
        this.counter = mode == Mode.COUNTER ? sc.longAccumulator("embark progress: " + what) : null;
        String tag = "embark-progress-" + TAGS.incrementAndGet();
        this.listener = switch (mode) {
            case COUNTER -> new StageListener(tag, counter.id(), null, tracker, nanoClock);
            case INPUT -> new StageListener(tag, -1, INPUT_RECORDS, tracker, nanoClock);
            case TASKS -> new StageListener(tag, -1, null, tracker, nanoClock);
        };
        this.previousTag = sc.getLocalProperty(JOB_PROPERTY);
        this.startNanos = nanoClock.getAsLong();
        sc.addSparkListener(listener);
        sc.setLocalProperty(JOB_PROPERTY, tag);
        this.timer = ProgressTimer.start(log, StageProgress.class.getName(), "embark-progress-stage", this::line);
    }

    /**
     * Counts what the tasks add to {@link #counter()}, in {@code unit} ({@code rankings}, {@code rows}); with an
     * {@code expected} total the line has a percentage and an ETA from the rate.
     */
    public static StageProgress counting(SparkSession spark, ProgressLog log, String what, String unit, OptionalLong expected) {
        return new StageProgress(spark, log, what, unit, expected, Mode.COUNTER);
    }

    /** Counts the records the tasks read from their input files or tables (Spark's input metrics); no total. */
    public static StageProgress readingInput(SparkSession spark, ProgressLog log, String what) {
        return new StageProgress(spark, log, what, "input records", OptionalLong.empty(), Mode.INPUT);
    }

    /**
     * Counts nothing: says which stage attempt the work waits for, with its tasks running and finished, and for how
     * long it has waited. For stages whose tasks wait for each other (a barrier stage), so that a stall is visible.
     */
    public static StageProgress waitingFor(SparkSession spark, ProgressLog log, String what) {
        return new StageProgress(spark, log, what, "", OptionalLong.empty(), Mode.TASKS);
    }

    /**
     * The accumulator tasks add their progress to. An add is a field update in the task, cheap enough per record; the
     * driver sees running tasks' values at each executor heartbeat and finished tasks' exactly.
     */
    public LongAccumulator counter() {
        if (counter == null) {
            throw new IllegalStateException("this progress (" + what + ") counts " + (mode == Mode.INPUT
                    ? "Spark's input records" : "nothing") + ", not a counter");
        }
        return counter;
    }

    /** What the watched stages have counted so far (finished tasks exactly, running ones as of their last heartbeat). */
    public long count() {
        return tracker.snapshot().count();
    }

    /** What the watched stages have done so far. */
    StageCounts counts() {
        return tracker.snapshot();
    }

    /** The line the timer logs now. */
    String line() {
        double seconds = (nanoClock.getAsLong() - startNanos) / 1e9;
        return mode == Mode.TASKS ? waitingLine(what, tracker.snapshot(), seconds)
                : line(what, unit, expected, tracker.snapshot(), seconds, nanoClock.getAsLong(), tasksEta);
    }

    /** The line of {@link #waitingFor}: the running stage attempts with their tasks, and the time since opening. */
    static String waitingLine(String what, StageCounts counts, double seconds) {
        StringBuilder sb = new StringBuilder(what).append(": ");
        if (counts.running().isEmpty()) {
            sb.append(counts.stagesDone() == 0 ? "waiting for its stage to be submitted"
                    : "between stages (" + counts.stagesDone() + " done)");
        } else {
            List<String> stages = new ArrayList<>();
            for (StageCounts.Stage s : counts.running()) {
                stages.add("stage " + s.id() + " attempt " + s.attempt() + " (" + s.name() + "): " + s.tasksRunning()
                        + "/" + s.tasks() + " tasks running, " + s.tasksDone() + " finished");
            }
            sb.append("waiting for ").append(String.join(" and ", stages));
        }
        return sb.append(", ").append(ProgressFormat.duration(seconds)).toString();
    }

    /** The line for {@code counts} after {@code seconds}; {@code nowNanos} dates the running stages' ETA. */
    static String line(String what, String unit, OptionalLong expected, StageCounts counts, double seconds, long nowNanos) {
        return line(what, unit, expected, counts, seconds, nowNanos, new TaskEta());
    }

    /** As above, with the running stages' ETA kept steady between task completions by {@code eta}. */
    static String line(String what, String unit, OptionalLong expected, StageCounts counts, double seconds, long nowNanos,
                       TaskEta eta) {
        StringBuilder sb = new StringBuilder(what).append(": ");
        List<Integer> done = new ArrayList<>();
        int tasksDone = 0;
        int tasks = 0;
        long since = nowNanos;
        if (counts.running().isEmpty()) {
            sb.append(counts.stagesDone() == 0 ? "no stage started yet" : "between stages (" + counts.stagesDone() + " done)");
        } else {
            List<String> stages = new ArrayList<>();
            for (StageCounts.Stage s : counts.running()) {
                stages.add("stage " + s.id() + " (" + s.name() + ") " + s.tasksDone() + "/" + s.tasks() + " tasks");
                tasksDone += s.tasksDone();
                tasks += s.tasks();
                done.add(s.id());
                done.add(s.tasksDone());
                since = Math.min(since, s.submittedNanos());
            }
            sb.append(String.join(" and ", stages));
        }
        sb.append(", ");
        if (expected.isPresent()) {
            sb.append(new Progress(counts.count(), expected.getAsLong(), seconds).describe(unit, ""));
        } else {
            Progress byRate = new Progress(counts.count(), counts.count(), seconds);
            sb.append(ProgressFormat.count(counts.count())).append(' ').append(unit).append(", ")
                    .append(ProgressFormat.rate(byRate.rate())).append(' ').append(unit).append("/s");
            if (tasks > 0) {
                Progress byTasks = new Progress(tasksDone, tasks, Math.max(0, nowNanos - since) / 1e9);
                OptionalDouble left = eta.at(done, byTasks.etaSeconds(), nowNanos);
                sb.append(", ETA ").append(left.isPresent() ? ProgressFormat.duration(left.getAsDouble()) : "unknown").append(counts.running().size() > 1
                        ? " for the running stages (from their tasks)" : " for the running stage (from its tasks)");
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        timer.close();
        sc.removeSparkListener(listener);
        sc.setLocalProperty(JOB_PROPERTY, previousTag);
    }
}
