package io.embark.embedding.train;

import io.embark.embedding.progress.Progress;
import java.util.function.LongSupplier;

/**
 * What a training epoch (or one rank's share of it) has done so far, as the line a
 * {@link io.embark.embedding.progress.ProgressTimer} logs:
 * <pre>
 *   epoch 1/10 bucket (3, 5) 12/256: 41.2M of 97.6M edges of the epoch (42%), 511,801 edges/s, ETA 1m50s for the epoch
 * </pre>
 * The edges done come from a counter the HOGWILD threads bump once per batch ({@link HogwildTrainer#edgesTrained});
 * the trainer's loop says where it is ({@link #at}). Both are read from the timer's thread, so {@code where} is
 * volatile and the counter is a {@code LongAdder}. The rate is the epoch's average so far, waits for tables and edges
 * included, so the ETA holds when loading is the bottleneck.
 */
final class EpochProgress {

    private final String label;
    private final String scope;
    private final long total;
    private final LongSupplier counter;
    private final long counterAtStart;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private volatile String where = "starting";

    /**
     * @param label     what is trained: {@code epoch 1/10}
     * @param scope     what the total and the ETA refer to: {@code the epoch}
     * @param total     edges to train in that scope
     * @param counter   a running count of edges trained, which may have started before this epoch
     * @param nanoClock {@code System::nanoTime}, or a fake one in tests
     */
    EpochProgress(String label, String scope, long total, LongSupplier counter, LongSupplier nanoClock) {
        this.label = label;
        this.scope = scope;
        this.total = total;
        this.counter = counter;
        this.counterAtStart = counter.getAsLong();
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
    }

    /** Says where the loop is: {@code bucket (3, 5) 12/256}. */
    void at(String where) {
        this.where = where;
    }

    Progress progress() {
        long done = Math.max(0, counter.getAsLong() - counterAtStart);
        return new Progress(done, total, Math.max(0, nanoClock.getAsLong() - startNanos) / 1e9);
    }

    String line() {
        return label + " " + where + ": " + progress().describe("edges", scope);
    }
}
