package io.embark.jobs.progress;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.LongSupplier;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.scheduler.StageInfo;
import scala.Tuple4;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Feeds a {@link StageTracker} from Spark's listener events: the stages of jobs whose local property
 * {@link StageProgress#JOB_PROPERTY} holds this listener's tag, their tasks, and one accumulator's values (by id,
 * for a counter the tasks add to; by name, for Spark's own task metrics such as
 * {@code internal.metrics.input.recordsRead}) from finished tasks and from executor heartbeats of running tasks.
 */
final class StageListener extends SparkListener {

    private final String tag;
    private final long accumulatorId;
    private final String accumulatorName;
    private final StageTracker tracker;
    private final LongSupplier nanoClock;

    /**
     * @param accumulatorId   the counted accumulator's id, or -1 to match by name
     * @param accumulatorName the counted accumulator's name when matched by name, else null (with -1: count nothing)
     */
    StageListener(String tag, long accumulatorId, String accumulatorName, StageTracker tracker, LongSupplier nanoClock) {
        this.tag = tag;
        this.accumulatorId = accumulatorId;
        this.accumulatorName = accumulatorName;
        this.tracker = tracker;
        this.nanoClock = nanoClock;
    }

    @Override
    public void onJobStart(SparkListenerJobStart jobStart) {
        Properties p = jobStart.properties();
        if (p != null && tag.equals(p.getProperty(StageProgress.JOB_PROPERTY))) {
            List<Integer> ids = new ArrayList<>();
            for (Object id : CollectionConverters.asJava(jobStart.stageIds())) {
                ids.add((Integer) id);
            }
            tracker.watch(ids);
        }
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted submitted) {
        StageInfo s = submitted.stageInfo();
        tracker.stageSubmitted(s.stageId(), s.attemptNumber(), s.name(), s.numTasks(), nanoClock.getAsLong());
    }

    @Override
    public void onStageCompleted(SparkListenerStageCompleted completed) {
        StageInfo s = completed.stageInfo();
        tracker.stageCompleted(s.stageId(), s.attemptNumber(), s.failureReason().isEmpty());
    }

    @Override
    public void onTaskStart(SparkListenerTaskStart start) {
        tracker.taskStarted(start.stageId(), start.stageAttemptId(), start.taskInfo().taskId());
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        boolean success = end.reason() == Success$.MODULE$;
        long count = success ? counted(CollectionConverters.asJava(end.taskInfo().accumulables())) : 0;
        tracker.taskEnded(end.stageId(), end.stageAttemptId(), end.taskInfo().taskId(), success, count);
    }

    @Override
    public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
        for (Tuple4<Object, Object, Object, scala.collection.immutable.Seq<AccumulableInfo>> t
                : CollectionConverters.asJava(update.accumUpdates())) {
            List<AccumulableInfo> infos = CollectionConverters.asJava(t._4());
            if (matches(infos)) {
                tracker.taskRunning((Integer) t._2(), (Integer) t._3(), (Long) t._1(), counted(infos));
            }
        }
    }

    private boolean matches(List<AccumulableInfo> infos) {
        for (AccumulableInfo a : infos) {
            if (isCounted(a)) {
                return true;
            }
        }
        return false;
    }

    private boolean isCounted(AccumulableInfo a) {
        return accumulatorId >= 0 ? a.id() == accumulatorId : a.name().isDefined() && a.name().get().equals(accumulatorName);
    }

    /** The task's value of the counted accumulator (0 when it did not report one: it counted nothing). */
    private long counted(List<AccumulableInfo> infos) {
        for (AccumulableInfo a : infos) {
            if (isCounted(a) && a.update().isDefined() && a.update().get() instanceof Number n) {
                return n.longValue();
            }
        }
        return 0;
    }
}
