package io.embark.jobs.progress;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The counts behind a {@link StageProgress}: which stages are watched, their tasks, and a count the tasks add to
 * (an accumulator or one of Spark's task metrics). Plain Java, no Spark types: {@link StageListener} feeds it
 * Spark's listener events on the listener bus thread, the progress timer reads {@link #snapshot} on its own thread.
 *
 * <p>The count is exact for finished tasks (the value each successful task ended with) and, for running tasks, the
 * latest value an executor heartbeat carried ({@code spark.executor.heartbeatInterval}, 10 s by default), so it lags
 * by up to one heartbeat. A task that fails contributes nothing; a heartbeat that arrives after its task ended is
 * ignored, so nothing is counted twice. (A stage attempt that Spark reruns after a lost executor counts its tasks
 * again, as accumulators do.)
 */
final class StageTracker {

    /** A stage attempt: Spark's stage id and attempt number. */
    private record Attempt(int stage, int attempt) {
    }

    private static final class Running {
        final String name;
        final int tasks;
        final long submittedNanos;
        final Set<Long> tasksRunning = new HashSet<>();
        int tasksDone;

        Running(String name, int tasks, long submittedNanos) {
            this.name = name;
            this.tasks = tasks;
            this.submittedNanos = submittedNanos;
        }
    }

    private final Set<Integer> watched = new HashSet<>();
    private final Map<Attempt, Running> running = new LinkedHashMap<>();
    private final Set<Attempt> ended = new HashSet<>();
    private final Map<Long, Long> runningCounts = new HashMap<>();
    private final Set<Long> endedTasks = new HashSet<>();
    private long finishedCount;
    private int stagesDone;

    /** Watches these stages (those of a job started by the watched code). */
    synchronized void watch(Iterable<Integer> stageIds) {
        for (int s : stageIds) {
            watched.add(s);
        }
    }

    synchronized void stageSubmitted(int stage, int attempt, String name, int tasks, long nanos) {
        if (watched.contains(stage)) {
            running.put(new Attempt(stage, attempt), new Running(name, tasks, nanos));
        }
    }

    /** A stage attempt ended, {@code succeeded} or not; only successful ones count as stages done. */
    synchronized void stageCompleted(int stage, int attempt, boolean succeeded) {
        Attempt a = new Attempt(stage, attempt);
        if (running.remove(a) != null) {
            ended.add(a);
            if (succeeded) {
                stagesDone++;
            }
        }
    }

    /** A task of a watched stage attempt started. */
    synchronized void taskStarted(int stage, int attempt, long taskId) {
        Running r = running.get(new Attempt(stage, attempt));
        if (r != null && !endedTasks.contains(taskId)) {
            r.tasksRunning.add(taskId);
        }
    }

    /** A task ended; {@code count} is its final value of the counted metric (ignored unless it succeeded). */
    synchronized void taskEnded(int stage, int attempt, long taskId, boolean success, long count) {
        if (!watched.contains(stage)) {
            return;
        }
        runningCounts.remove(taskId);
        Running r = running.get(new Attempt(stage, attempt));
        if (r != null) {
            r.tasksRunning.remove(taskId);
        }
        if (!endedTasks.add(taskId)) {
            return;
        }
        if (success) {
            finishedCount += count;
            if (r != null) {
                r.tasksDone++;
            }
        }
    }

    /** An executor heartbeat: running task {@code taskId} has counted {@code count} so far. */
    synchronized void taskRunning(int stage, int attempt, long taskId, long count) {
        if (watched.contains(stage) && !endedTasks.contains(taskId) && !ended.contains(new Attempt(stage, attempt))) {
            runningCounts.put(taskId, count);
        }
    }

    synchronized StageCounts snapshot() {
        List<StageCounts.Stage> stages = new ArrayList<>();
        for (Map.Entry<Attempt, Running> e : running.entrySet()) {
            Running r = e.getValue();
            stages.add(new StageCounts.Stage(e.getKey().stage(), e.getKey().attempt(), r.name, r.tasksRunning.size(),
                    r.tasksDone, r.tasks, r.submittedNanos));
        }
        long count = finishedCount;
        for (long c : runningCounts.values()) {
            count += c;
        }
        return new StageCounts(List.copyOf(stages), stagesDone, count);
    }
}
