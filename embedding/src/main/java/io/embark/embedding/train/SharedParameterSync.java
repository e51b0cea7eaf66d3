package io.embark.embedding.train;

import io.embark.allreduce.Communicator;
import io.embark.allreduce.ReduceOp;
import io.embark.embedding.model.RelationParameters;
import io.embark.embedding.storage.EmbeddingTable;
import io.embark.partitioning.Limits;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Keeps the parameters that every worker of a distributed epoch trains (the relation operators, and the tables of
 * unpartitioned entity types when other types are partitioned), with their Adagrad accumulators, in step: each sync
 * all-reduces the workers' updates since the previous sync and applies their sum to every replica.
 *
 * <p>Summing updates (not averaging parameters) is what makes W workers behave like one machine that trained all
 * their edges: a worker that idled this round contributes nothing rather than pulling the others back toward the old
 * value, and the accumulators (sums of squared gradients) grow by what every worker added. Between syncs each replica
 * sees only its own updates, the same staleness HOGWILD threads already tolerate within one machine.
 *
 * <p>All workers must call {@link #sync()} the same number of times (the communicator matches calls by order).
 */
public final class SharedParameterSync {

    private final List<float[]> arrays;
    private final Communicator comm;
    private final float[] base;
    private final float[] buffer;
    private long syncs;
    private long nanos;

    private SharedParameterSync(List<float[]> arrays, Communicator comm, String tables) {
        this.arrays = arrays;
        this.comm = comm;
        long n = 0;
        for (float[] a : arrays) {
            n += a.length;
        }
        if (n > Limits.MAX_ARRAY) {
            throw new IllegalArgumentException("shared parameters: " + Limits.number(n) + " floats (at most "
                    + Limits.number(Limits.MAX_ARRAY) + " can be synced; partition the unpartitioned entity types " + tables
                    + " like the others: graph.entities.TYPE.partitions)");
        }
        base = new float[(int) n];
        buffer = new float[(int) n];
    }

    /** Nothing to sync: the one-worker case, which allocates nothing. */
    public static SharedParameterSync none() {
        return new SharedParameterSync(List.of(), null, "[]");
    }

    /** The relation parameters and the given tables, each with its optimizer state. */
    public static SharedParameterSync of(RelationParameters relations, Collection<EmbeddingTable> tables, Communicator comm) {
        List<float[]> arrays = new ArrayList<>();
        for (int r = 0; r < relations.count(); r++) {
            for (int s = 0; s < relations.slots(); s++) {
                arrays.add(relations.params(r, s));
                arrays.add(relations.state(r, s));
            }
        }
        List<String> names = new ArrayList<>();
        for (EmbeddingTable t : tables) {
            for (int s = 0; s < t.segments(); s++) {
                arrays.add(t.segmentData(s));
                arrays.add(t.segmentState(s));
            }
            names.add(t.entityType());
        }
        return new SharedParameterSync(arrays, comm, names.toString());
    }

    /** Makes every replica equal to rank 0's (at the start of an epoch) and remembers it as the base. */
    public void start() {
        long t0 = System.nanoTime();
        flatten(base);
        if (base.length > 0 && comm != null && comm.size() > 1) {
            comm.broadcast(base, 0);
            unflatten(base);
        }
        nanos += System.nanoTime() - t0;
    }

    /** Sums every worker's updates since the last sync into every replica. */
    public void sync() {
        long t0 = System.nanoTime();
        syncs++;
        if (base.length > 0 && comm != null && comm.size() > 1) {
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
        for (float[] a : arrays) {
            System.arraycopy(a, 0, into, off, a.length);
            off += a.length;
        }
    }

    private void unflatten(float[] from) {
        int off = 0;
        for (float[] a : arrays) {
            System.arraycopy(from, off, a, 0, a.length);
            off += a.length;
        }
    }
}
