package io.embark.jobs.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The counts behind a stage's progress line, fed events by hand (no Spark), and the line they make. */
class StageTrackerTest {

    private final StageTracker t = new StageTracker();

    @Test
    void finishedTasksCountExactlyAndRunningOnesAsOfTheirLastHeartbeat() {
        t.watch(List.of(3));
        t.stageSubmitted(3, 0, "collect at EvalJob.java:83", 4, 0);
        t.taskRunning(3, 0, 10, 100);
        t.taskRunning(3, 0, 11, 50);
        t.taskRunning(3, 0, 10, 300);
        assertEquals(350, t.snapshot().count(), "latest value of each running task: 300 + 50");
        t.taskEnded(3, 0, 10, true, 400);
        assertEquals(450, t.snapshot().count(), "task 10 finished with 400, task 11 still at 50");
        t.taskRunning(3, 0, 10, 300);
        assertEquals(450, t.snapshot().count(), "a heartbeat sent before task 10 ended but delivered after is not counted again");
        t.taskEnded(3, 0, 11, false, 0);
        assertEquals(400, t.snapshot().count(), "a failed task's partial count is dropped");
        t.taskEnded(3, 0, 12, true, 250);
        StageCounts c = t.snapshot();
        assertEquals(650, c.count());
        assertEquals(List.of(new StageCounts.Stage(3, 0, "collect at EvalJob.java:83", 0, 2, 4, 0)), c.running(), "2 of 4 tasks done");
        t.stageCompleted(3, 0, true);
        t.taskRunning(3, 0, 13, 999);
        assertEquals(new StageCounts(List.of(), 1, 650), t.snapshot(), "a heartbeat of a completed stage is ignored");
    }

    @Test
    void stagesOfOtherJobsAreIgnored() {
        t.watch(List.of(1, 2));
        t.stageSubmitted(7, 0, "someone else's", 2, 0);
        t.taskRunning(7, 0, 1, 100);
        t.taskEnded(7, 0, 2, true, 100);
        t.stageCompleted(7, 0, true);
        assertEquals(new StageCounts(List.of(), 0, 0), t.snapshot());
    }

    @Test
    void aRetriedStageAttemptIsItsOwnStageAndAFailedOneIsNotDone() {
        t.watch(List.of(5));
        t.stageSubmitted(5, 0, "map", 2, 0);
        t.taskEnded(5, 0, 1, true, 10);
        t.stageCompleted(5, 0, false);
        t.stageSubmitted(5, 1, "map", 2, 0);
        assertEquals(List.of(new StageCounts.Stage(5, 1, "map", 0, 0, 2, 0)), t.snapshot().running());
        assertEquals(0, t.snapshot().stagesDone());
    }

    @Test
    void theLineWithAKnownTotal() {
        StageCounts c = new StageCounts(List.of(new StageCounts.Stage(12, 0, "collect at EvalJob.java:83", 11, 5, 16, 0)), 0, 1_200_000);
        // 1.2M of 4.0M in 26.7 s: 44,944 rankings/s, 30%; 2.8M left at that rate: 62.3 s
        assertEquals("eval test: stage 12 (collect at EvalJob.java:83) 5/16 tasks, 1.2M of 4.0M rankings (30%), "
                + "44,944 rankings/s, ETA 1m02s", StageProgress.line("eval test", "rankings", OptionalLong.of(4_000_000), c, 26.7, 1));
    }

    @Test
    void theTaskEtaCountsDownBetweenTaskCompletions() {
        // stage 3 submitted at 0 s; 5 of 16 tasks done at 40 s: 11 left at 8 s each = 88 s
        TaskEta eta = new TaskEta();
        StageCounts five = new StageCounts(List.of(new StageCounts.Stage(3, 0, "save", 2, 5, 16, 0)), 0, 1);
        String at40 = StageProgress.line("import", "input records", OptionalLong.empty(), five, 40, 40_000_000_000L, eta);
        assertTrue(at40.endsWith("ETA 1m28s for the running stage (from its tasks)"), at40);
        // 30 s later, no task finished: tasks done over time would say 11 x 14 s = 154 s; the ETA counts down to 58 s
        String at70 = StageProgress.line("import", "input records", OptionalLong.empty(), five, 70, 70_000_000_000L, eta);
        assertTrue(at70.endsWith("ETA 0m58s for the running stage (from its tasks)"), at70);
        // a task finishes: a new estimate from 6 of 16 in 80 s, 10 x 13.3 s = 133 s
        StageCounts six = new StageCounts(List.of(new StageCounts.Stage(3, 0, "save", 2, 6, 16, 0)), 0, 1);
        String at80 = StageProgress.line("import", "input records", OptionalLong.empty(), six, 80, 80_000_000_000L, eta);
        assertTrue(at80.endsWith("ETA 2m13s for the running stage (from its tasks)"), at80);
    }

    @Test
    void theLineWithoutATotalTakesItsEtaFromTheTasks() {
        // stage 3 submitted at 10 s, now 50 s: 5 of 16 tasks in 40 s -> 11 tasks left at 8 s each: 88 s
        StageCounts c = new StageCounts(List.of(new StageCounts.Stage(3, 0, "save at ImportJob.java:120", 11, 5, 16, 10_000_000_000L)),
                2, 12_000_000);
        assertEquals("import: stage 3 (save at ImportJob.java:120) 5/16 tasks, 12.0M input records, 240,000 input records/s, "
                + "ETA 1m28s for the running stage (from its tasks)",
                StageProgress.line("import", "input records", OptionalLong.empty(), c, 50, 50_000_000_000L));
        assertEquals("import: between stages (2 done), 12.0M input records, 240,000 input records/s",
                StageProgress.line("import", "input records", OptionalLong.empty(), new StageCounts(List.of(), 2, 12_000_000), 50, 0));
        assertEquals("import: no stage started yet, 0 input records, 0 input records/s",
                StageProgress.line("import", "input records", OptionalLong.empty(), new StageCounts(List.of(), 0, 0), 0.5, 0));
    }

    @Test
    void tasksRunningAreThoseStartedAndNotEndedOfTheAttempt() {
        t.watch(List.of(4));
        t.stageSubmitted(4, 0, "barrier", 2, 0);
        t.taskStarted(4, 0, 1);
        t.taskStarted(4, 0, 2);
        assertEquals(2, t.snapshot().running().get(0).tasksRunning());
        t.taskEnded(4, 0, 1, true, 0);
        assertEquals(List.of(new StageCounts.Stage(4, 0, "barrier", 1, 1, 2, 0)), t.snapshot().running(), "1 running, 1 finished");
        t.taskEnded(4, 0, 2, false, 0);
        t.stageCompleted(4, 0, false);
        t.stageSubmitted(4, 1, "barrier", 2, 0);
        t.taskStarted(4, 1, 3);
        t.taskStarted(7, 0, 9);
        assertEquals(List.of(new StageCounts.Stage(4, 1, "barrier", 1, 0, 2, 0)), t.snapshot().running(),
                "the retried attempt counts its own tasks; an unwatched stage's are ignored");
    }

    @Test
    void theWaitingLineSaysWhichAttemptAndItsTasks() {
        StageCounts c = new StageCounts(List.of(new StageCounts.Stage(5, 1, "repartition at DistributedTrainJob.java:84", 1, 1, 2, 0)),
                0, 0);
        assertEquals("epoch 3 on 2 workers: waiting for stage 5 attempt 1 (repartition at DistributedTrainJob.java:84): "
                + "1/2 tasks running, 1 finished, 0m45s", StageProgress.waitingLine("epoch 3 on 2 workers", c, 45.2));
        assertEquals("epoch 3 on 2 workers: waiting for its stage to be submitted, 2m00s",
                StageProgress.waitingLine("epoch 3 on 2 workers", new StageCounts(List.of(), 0, 0), 120));
    }
}
