package io.embark.embedding.train;

import io.embark.allreduce.Cancellation;
import io.embark.embedding.storage.EmbeddingTable;
import io.embark.embedding.storage.PartitionStore;
import io.embark.partitioning.Bucket;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The tables in memory: exactly those the current bucket needs, plus the next bucket's, loaded in the background
 * while the current one trains.
 *
 * <p>Example, 2 x 2 grid, order (0,0) (0,1) (1,1) (1,0), one entity type: while (0,0) trains, partition 1 is loaded
 * for (0,1); when (0,1) starts nothing is evicted (it needs 0 and 1); while (0,1) trains nothing is loaded; when
 * (1,1) starts partition 0 is saved and evicted. At most four tables are resident, two per bucket.
 *
 * <p>Safe because a prefetched table is one that is not resident, so nothing modifies it while it loads: its newest
 * state is already in the store (evictions save synchronously before the next prefetch starts).
 */
final class PartitionCache {

    private final TrainingSchema schema;
    private final ExecutorService loader;
    private final Map<String, EmbeddingTable> resident = new LinkedHashMap<>();
    private PartitionStore store;
    private Bucket prefetchedFor;
    private List<Future<EmbeddingTable>> prefetched = List.of();
    private final IoTally loads = new IoTally();
    private final IoTally saves = new IoTally();

    PartitionCache(TrainingSchema schema, ExecutorService loader) {
        this.schema = schema;
        this.loader = loader;
    }

    /** Switches to a new epoch's store; resident tables stay (their state is current) and are saved into it later. */
    void useStore(PartitionStore s) {
        this.store = s;
    }

    /** Makes exactly the tables of {@code bucket} resident, saving and evicting the others; returns them by key. */
    Map<String, EmbeddingTable> acquire(Bucket bucket) throws IOException {
        Set<String> needed = schema.tablesOf(bucket);
        Map<String, EmbeddingTable> loaded = new HashMap<>();
        if (bucket.equals(prefetchedFor)) {
            for (Future<EmbeddingTable> f : prefetched) {
                EmbeddingTable t = Loads.await(f, null, Cancellation.NEVER, "loading a partition");
                loaded.put(t.entityType() + "/" + t.partition(), t);
            }
        } else {
            for (Future<EmbeddingTable> f : prefetched) {
                f.cancel(false);
            }
        }
        prefetched = List.of();
        prefetchedFor = null;
        for (String k : new ArrayList<>(resident.keySet())) {
            if (!needed.contains(k)) {
                save(resident.remove(k));
            }
        }
        Map<String, EmbeddingTable> out = new HashMap<>();
        for (String k : needed) {
            EmbeddingTable t = resident.get(k);
            if (t == null) {
                t = loaded.get(k);
                if (t == null) {
                    t = load(k);
                }
                resident.put(k, t);
            }
            out.put(k, t);
        }
        return out;
    }

    /** Starts loading, in the background, the tables of {@code next} that are not resident. */
    void prefetch(Bucket next) {
        List<Future<EmbeddingTable>> futures = new ArrayList<>();
        for (String k : schema.tablesOf(next)) {
            if (!resident.containsKey(k)) {
                futures.add(loader.submit(() -> load(k)));
            }
        }
        prefetched = futures;
        prefetchedFor = next;
    }

    /** Saves every resident table into the current store, keeping them resident. */
    void saveAll() throws IOException {
        for (EmbeddingTable t : resident.values()) {
            save(t);
        }
    }

    /** Forgets the resident tables (after a failure, when their state is not trusted). */
    void clear() {
        resident.clear();
        prefetched = List.of();
        prefetchedFor = null;
    }

    private EmbeddingTable load(String key) throws IOException {
        int slash = key.lastIndexOf('/');
        long t0 = System.nanoTime();
        EmbeddingTable t = store.load(key.substring(0, slash), Integer.parseInt(key.substring(slash + 1)));
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
        return 4L * t.rows() * (t.dim() + (t.elementwise() ? t.dim() : 1));
    }

    /**
     * What loading and saving tables cost since the last call, e.g. {@code "tables: 34 loads of 2.3 GB in 5.1 s
     * (450 MB/s, behind training while prefetched), 33 saves of 2.2 GB in 4.0 s (550 MB/s)"}; then starts over.
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
