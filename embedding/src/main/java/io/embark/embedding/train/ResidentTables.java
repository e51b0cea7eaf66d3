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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * state is already in the store (with W workers a release saves before the round's barrier, and the next prefetch
 * starts after it), or, for a worker training alone, still in memory: there a release only queues the save on one
 * saver thread and returns, so the next bucket trains while it writes (the out-of-core mode waited about 1 s per
 * 4-partition epoch for these saves, docs/training.md "Tables in memory"); a table asked for again before its save
 * has ended is taken back from memory once it has (never read back, nor trained while being written), and a load
 * starts only after the saves queued before it, so released tables leave memory before new ones come in.
 * {@link #saveAll} waits for every background save.
 */
final class ResidentTables {

    private final ExecutorService loader;
    private final Duration timeout;
    private final Cancellation cancellation;
    private final Map<TableKey, EmbeddingTable> resident = new LinkedHashMap<>();
    private final Map<TableKey, Future<EmbeddingTable>> prefetched = new HashMap<>();
    /**
     * Saves running or queued on {@link #saver}, by table: released tables, in memory until their save ends (when the
     * save forgets them) unless asked for again.
     */
    private final Map<TableKey, PendingSave> saving = new ConcurrentHashMap<>();
    /** Whether {@link #release} saves in the background (one worker) or before it returns (W workers). */
    private final boolean releaseBehind;
    /** One thread: a table's saves run in the order they were asked for. */
    private final ExecutorService saver;
    private final IoTally loads = new IoTally();
    private final IoTally saves = new IoTally();
    private PartitionStore store;

    /**
     * {@code timeout} null: a load is waited for as long as it takes. {@code releaseBehind}: whether {@link #release}
     * may return before its saves end (true for a worker training alone: nobody else loads its tables, and this class
     * takes a table still being saved back from memory; false for W workers, where another worker may load the table
     * after the round's barrier).
     */
    ResidentTables(ExecutorService loader, Duration timeout, Cancellation cancellation, boolean releaseBehind, String saverThread) {
        this.loader = loader;
        this.timeout = timeout;
        this.cancellation = cancellation;
        this.releaseBehind = releaseBehind;
        this.saver = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, saverThread);
            t.setDaemon(true);
            return t;
        });
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
                PendingSave pending = saving.get(key);
                Future<EmbeddingTable> f = prefetched.remove(key);
                if (pending != null) {
                    // released and still in memory, in its newest state: taken back once its save has ended
                    Loads.await(pending.done, timeout, cancellation, "saving table " + key);
                    t = pending.table;
                } else {
                    t = f != null ? Loads.await(f, timeout, cancellation, "loading table " + key) : load(key);
                }
                resident.put(key, t);
            }
            out.put(key, t);
        }
        return out;
    }

    /**
     * Starts loading, in the background, those of {@code keys} that are neither resident, loading, nor in
     * {@code heldElsewhere}; one still being saved is not read back but kept from memory once its save has ended. A
     * load starts after the saves asked for before it have ended, so that released tables leave memory before a new
     * one comes in (one worker holds at most four partitions of a type, as with saves that end before release returns).
     */
    void prefetch(Collection<TableKey> keys, Set<TableKey> heldElsewhere) {
        for (TableKey key : keys) {
            if (resident.containsKey(key) || prefetched.containsKey(key) || heldElsewhere.contains(key)) {
                continue;
            }
            PendingSave own = saving.get(key);
            if (own != null) {
                // still in memory: no load, its save has to end first (the saver would otherwise read it while it trains)
                prefetched.put(key, loader.submit(() -> {
                    Loads.await(own.done, timeout, cancellation, "saving table " + key);
                    return own.table;
                }));
            } else {
                List<PendingSave> before = new ArrayList<>(saving.values());
                prefetched.put(key, loader.submit(() -> {
                    for (PendingSave p : before) {
                        Loads.await(p.done, timeout, cancellation, "saving table " + p.key + " before loading " + key);
                    }
                    return load(key);
                }));
            }
        }
    }

    /**
     * Saves and drops every resident table not in {@code keep}: another worker, or this one later, loads it from the
     * store. With {@code releaseBehind} the saves run in the background (the next bucket trains meanwhile) and a table
     * asked for again before its save has ended is taken back from memory.
     */
    void release(Set<TableKey> keep) throws IOException {
        for (TableKey key : new ArrayList<>(resident.keySet())) {
            if (!keep.contains(key)) {
                EmbeddingTable t = resident.remove(key);
                if (releaseBehind) {
                    saveInBackground(key, t);
                } else {
                    save(t);
                }
            }
        }
    }

    /** Drops the resident tables in {@code keys} without saving them (another worker's replica is saved). */
    void drop(Collection<TableKey> keys) {
        resident.keySet().removeAll(keys);
    }

    /** Queues a save of {@code t} on the saver thread; the save forgets the table when it ends well. */
    private void saveInBackground(TableKey key, EmbeddingTable t) {
        PendingSave p = new PendingSave(key, t);
        PartitionStore target = store;
        saving.put(key, p);
        p.done = saver.submit(() -> {
            save(target, t);
            saving.remove(key, p);
            return null;
        });
    }

    /** Saves every resident table into the current store, keeping them resident; then waits for the background saves. */
    void saveAll() throws IOException {
        for (EmbeddingTable t : resident.values()) {
            save(t);
        }
        awaitSaves();
    }

    /** Waits for every background save; the first that failed is thrown. */
    void awaitSaves() throws IOException {
        try {
            for (PendingSave p : new ArrayList<>(saving.values())) {
                Loads.await(p.done, timeout, cancellation, "saving table " + p.key);
            }
        } finally {
            saving.clear();
        }
    }

    /** Forgets every table and cancels the loads (at the end of an epoch, or after a failure, when their state is not trusted). */
    void clear() {
        for (Future<EmbeddingTable> f : prefetched.values()) {
            f.cancel(true);
        }
        prefetched.clear();
        for (PendingSave p : saving.values()) {
            p.done.cancel(true);
        }
        saving.clear();
        resident.clear();
    }

    /** Stops the saver thread (the loop is closed; what it was saving is not committed). */
    void close() {
        saver.shutdownNow();
    }

    private EmbeddingTable load(TableKey key) throws IOException {
        long t0 = System.nanoTime();
        EmbeddingTable t = store.load(key);
        loads.add(bytes(t), System.nanoTime() - t0);
        return t;
    }

    private void save(EmbeddingTable t) throws IOException {
        save(store, t);
    }

    private void save(PartitionStore target, EmbeddingTable t) throws IOException {
        long t0 = System.nanoTime();
        target.save(t);
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

    /** A save queued or running on the saver thread, and the table it saves (in memory until it ends). */
    private static final class PendingSave {
        final TableKey key;
        final EmbeddingTable table;
        /** Set right after the submit, by the thread that asked for the save (tasks it submits later read it). */
        volatile Future<?> done;

        PendingSave(TableKey key, EmbeddingTable table) {
            this.key = key;
            this.table = table;
        }
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
