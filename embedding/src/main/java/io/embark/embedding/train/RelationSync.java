package io.embark.embedding.train;

import io.embark.allreduce.Communicator;
import io.embark.allreduce.ReduceOp;
import io.embark.embedding.model.RelationParameters;

/**
 * Keeps the relation parameters (and their Adagrad accumulators) of W workers in step: each sync all-reduces the
 * workers' updates since the previous sync and applies their sum to every replica.
 *
 * <p>Summing updates (not averaging parameters) is what makes W workers behave like one machine that trained all
 * their edges: a worker that idled this round contributes nothing rather than pulling the others back toward the old
 * value, and the accumulators (sums of squared gradients) grow by what every worker added. Between syncs each replica
 * sees only its own updates, the same staleness HOGWILD threads already tolerate within one machine.
 *
 * <p>All workers must call {@link #sync()} the same number of times (the communicator matches calls by order).
 */
public final class RelationSync {

    private final RelationParameters relations;
    private final Communicator comm;
    private final float[] base;
    private final float[] buffer;
    private long syncs;
    private long nanos;

    public RelationSync(RelationParameters relations, Communicator comm) {
        this.relations = relations;
        this.comm = comm;
        int n = 0;
        for (int r = 0; r < relations.count(); r++) {
            for (int s = 0; s < relations.slots(); s++) {
                n += 2 * relations.params(r, s).length;
            }
        }
        base = new float[n];
        buffer = new float[n];
    }

    /** Makes every replica equal to rank 0's (at the start of an epoch) and remembers it as the base. */
    public void start() {
        long t0 = System.nanoTime();
        flatten(base);
        if (base.length > 0 && comm.size() > 1) {
            comm.broadcast(base, 0);
            unflatten(base);
        }
        nanos += System.nanoTime() - t0;
    }

    /** Sums every worker's updates since the last sync into every replica. */
    public void sync() {
        long t0 = System.nanoTime();
        syncs++;
        if (base.length > 0 && comm.size() > 1) {
            flatten(buffer);
            for (int i = 0; i < buffer.length; i++) {
                buffer[i] -= base[i];
            }
            comm.allReduce(buffer, ReduceOp.SUM);
            for (int i = 0; i < buffer.length; i++) {
                base[i] += buffer[i];
            }
            unflatten(base);
        }
        nanos += System.nanoTime() - t0;
    }

    /** Number of floats each sync reduces (parameters plus accumulators). */
    public int floats() {
        return base.length;
    }

    public long syncs() {
        return syncs;
    }

    /** Wall time spent in {@link #start()} and {@link #sync()}, in seconds. */
    public double seconds() {
        return nanos / 1e9;
    }

    private void flatten(float[] into) {
        int off = 0;
        for (int r = 0; r < relations.count(); r++) {
            for (int s = 0; s < relations.slots(); s++) {
                float[] p = relations.params(r, s);
                System.arraycopy(p, 0, into, off, p.length);
                off += p.length;
                float[] st = relations.state(r, s);
                System.arraycopy(st, 0, into, off, st.length);
                off += st.length;
            }
        }
    }

    private void unflatten(float[] from) {
        int off = 0;
        for (int r = 0; r < relations.count(); r++) {
            for (int s = 0; s < relations.slots(); s++) {
                float[] p = relations.params(r, s);
                System.arraycopy(from, off, p, 0, p.length);
                off += p.length;
                float[] st = relations.state(r, s);
                System.arraycopy(from, off, st, 0, st.length);
                off += st.length;
            }
        }
    }
}
