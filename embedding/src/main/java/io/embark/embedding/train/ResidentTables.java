package io.embark.embedding.train;

import io.embark.allreduce.Cancellation;
import io.embark.embedding.storage.EmbeddingTable;
import io.embark.embedding.storage.PartitionStore;
import io.embark.partitioning.TableKey;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one place where the training loop loads and saves tables: the tables one worker holds in memory (those of its
 * current bucket, plus those it keeps for its next), the loads started in the background for its next bucket, and
 * the tally of what the transfers cost. The store is the epoch's {@link PartitionStore}: the checkpoint version being
 * written on one machine, the shared attempt directory on a cluster.
 *
 * <p>Example, one worker, 2 x 2 grid, order (0,0) (0,1) (1,1) (1,0), one entity type: while (0,0) trains, partition
 * 1 loads for (0,1); after (0,0) nothing is released (the next bucket needs 0 and 1); after (0,1) partition 0 is saved
 * and dropped. At most four tables are in memory, two per bucket.
 *
 * <p>Safe because only a table that nobody holds is prefetched, so nothing modifies it while it loads: its newest
 * state is already in the store (a release saves before the round's barrier, and the next prefetch starts after it).
 */
final class ResidentTables {

    private final ExecutorService loader;
    private final Duration timeout;
    private final Cancellation cancellation;
    private final Map<TableKey, EmbeddingTable> resident = new LinkedHashMap<>();
    private final Map<TableKey, Future<EmbeddingTable>> prefetched = new HashMap<>();
    private final IoTally loads = new IoTally();
    private final IoTally saves = new IoTally();
    private PartitionStore store;

    /** {@code timeout} null: a load is waited for as long as it takes. */
    ResidentTables(ExecutorService loader, Duration timeout, Cancellation cancellation) {
        this.loader = loader;
        this.timeout = timeout;
        this.cancellation = cancellation;
    }

    /** Switches to a new epoch's store; tables still held keep their (current) state and are saved into it later. */
    void useStore(PartitionStore s) {
        this.store = s;
    }

    /** Makes the tables {@code keys} resident (waiting for their prefetch, or loading them now); returns them by key. */
    Map<TableKey, EmbeddingTable> acquire(Collection<TableKey> keys) throws IOException {
        Map<TableKey, EmbeddingTable> out = new HashMap<>();
        for (TableKey key : keys) {
            EmbeddingTable t = resident.get(key);
            if (t == null) {
                Future<EmbeddingTable> f = prefetched.remove(key);
                t = f != null ? Loads.await(f, timeout, cancellation, "loading table " + key) : load(key);
                resident.put(key, t);
            }
            out.put(key, t);
        }
        return out;
    }

    /** Starts loading, in the background, those of {@code keys} that are neither resident, loading, nor in {@code heldElsewhere}. */
    void prefetch(Collection<TableKey> keys, Set<TableKey> heldElsewhere) {
        for (TableKey key : keys) {
            if (!resident.containsKey(key) && !prefetched.containsKey(key) && !heldElsewhere.contains(key)) {
                prefetched.put(key, loader.submit(() -> load(key)));
            }
        }
    }

    /** Saves and drops every resident table not in {@code keep}: another worker, or this one later, loads it from the store. */
    void release(Set<TableKey> keep) throws IOException {
        for (TableKey key : new ArrayList<>(resident.keySet())) {
            if (!keep.contains(key)) {
                save(resident.remove(key));
            }
        }
    }

    /** Drops the resident tables in {@code keys} without saving them (another worker's replica is saved). */
    void drop(Collection<TableKey> keys) {
        resident.keySet().removeAll(keys);
    }

    /** Saves every resident table into the current store, keeping them resident. */
    void saveAll() throws IOException {
        for (EmbeddingTable t : resident.values()) {
            save(t);
        }
    }

    /** Forgets every table and cancels the loads (at the end of an epoch, or after a failure, when their state is not trusted). */
    void clear() {
        for (Future<EmbeddingTable> f : prefetched.values()) {
            f.cancel(true);
        }
        prefetched.clear();
        resident.clear();
    }

    private EmbeddingTable load(TableKey key) throws IOException {
        long t0 = System.nanoTime();
        EmbeddingTable t = store.load(key);
        loads.add(bytes(t), System.nanoTime() - t0);
        return t;
    }

    private void save(EmbeddingTable t) throws IOException {
        long t0 = System.nanoTime();
        store.save(t);
        saves.add(bytes(t), System.nanoTime() - t0);
    }

    /** A table's size as stored: its embeddings and its Adagrad state, 4 bytes each. */
    private static long bytes(EmbeddingTable t) {
        return bytes(t.rows(), t.dim(), t.elementwise());
    }

    /** The size of a table of {@code rows} x {@code dim} with its row-wise or element-wise Adagrad state. */
    static long bytes(long rows, int dim, boolean elementwise) {
        return 4L * rows * (dim + (elementwise ? dim : 1));
    }

    /**
     * What loading and saving tables cost since the last call, e.g. {@code "tables: 34 loads of 2.3 GB in 5.1 s
     * (450 MB/s, behind training when prefetched), 33 saves of 2.2 GB in 4.0 s (550 MB/s)"}; then starts over.
     */
    String takeIoSummary() {
        return "tables: " + loads.take("loads") + " (behind training when prefetched), " + saves.take("saves");
    }

    /** Counts and times table transfers; loads run on the prefetch thread, so the sums are atomic. */
    private static final class IoTally {
        private final AtomicLong count = new AtomicLong();
        private final AtomicLong bytes = new AtomicLong();
        private final AtomicLong nanos = new AtomicLong();

        void add(long b, long ns) {
            count.incrementAndGet();
            bytes.addAndGet(b);
            nanos.addAndGet(ns);
        }

        String take(String what) {
            long n = count.getAndSet(0);
            long b = bytes.getAndSet(0);
            double s = nanos.getAndSet(0) / 1e9;
            return String.format("%,d %s of %.2f GB in %.1f s (%,.0f MB/s)", n, what, b / 1e9, s, s == 0 ? 0 : b / 1e6 / s);
        }
    }
}
