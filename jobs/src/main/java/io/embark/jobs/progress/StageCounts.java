package io.embark.jobs.progress;

import java.util.List;

/**
 * What the stages a {@link StageProgress} watches have done at one moment.
 *
 * @param running    the stages running now, in the order they were submitted
 * @param stagesDone stages that have completed
 * @param count      records counted so far: those of finished tasks plus the latest values running tasks reported
 */
record StageCounts(List<Stage> running, int stagesDone, long count) {

    /**
     * A running stage attempt: Spark's id, attempt number and name ({@code collect at EvalJob.java:83}), its tasks
     * running now and done, of its tasks.
     */
    record Stage(int id, int attempt, String name, int tasksRunning, int tasksDone, int tasks, long submittedNanos) {
    }
}
