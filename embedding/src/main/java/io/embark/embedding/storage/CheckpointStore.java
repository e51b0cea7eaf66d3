package io.embark.embedding.storage;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.embark.embedding.model.RelationParameters;
import io.embark.partitioning.AtomicDirectory;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Versioned checkpoints under one directory, on any Hadoop file system. Each epoch writes a new version under a
 * temporary name and commits it by rename ({@link AtomicDirectory}), so a crash or {@code kill -9} leaves the last
 * complete version intact and at most a {@code ._tmp-*} directory, which the next run deletes.
 *
 * <pre>
 *   ROOT/v00000003/checkpoint.json                 {@link CheckpointInfo}: epochs done, config, stats
 *   ROOT/v00000003/relations.bin                   {@link RelationParameters#write}
 *   ROOT/v00000003/entities/TYPE/part-00000.emb    {@link TableFormat}
 *   ROOT/v00000004._tmp-1c9e...                    epoch 4 in progress
 *   ROOT/stats.jsonl                               one {@link EpochStats} line per epoch (rewritten after each commit)
 * </pre>
 * Partitions evicted during an epoch are written straight into that epoch's temporary directory, so a committed
 * version never needs a copy pass: every partition is written once per epoch.
 */
public final class CheckpointStore {

    public static final String INFO = "checkpoint.json";
    public static final String RELATIONS = "relations.bin";
    public static final String STATS = "stats.jsonl";
    private static final String PREFIX = "v";

    static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final FileSystem fs;
    private final Path root;

    public CheckpointStore(FileSystem fs, Path root) {
        this.fs = fs;
        // reparsed so that a trailing slash (a Path made from a directory URI) is dropped: discardAll renames the
        // root to a sibling named after it
        this.root = new Path(root.toString());
    }

    public FileSystem fileSystem() {
        return fs;
    }

    public Path root() {
        return root;
    }

    public Path versionDir(int version) {
        return new Path(root, String.format("%s%08d", PREFIX, version));
    }

    static Path tableFile(Path dir, String type, int partition) {
        return new Path(new Path(new Path(dir, "entities"), type), String.format("part-%05d.emb", partition));
    }

    /** The newest committed version, if any (a directory counts only with its checkpoint.json). */
    public Optional<Integer> latestVersion() throws IOException {
        if (!fs.exists(root)) {
            return Optional.empty();
        }
        int best = -1;
        for (FileStatus st : fs.listStatus(root)) {
            String name = st.getPath().getName();
            if (st.isDirectory() && name.matches(PREFIX + "\\d{8}") && fs.exists(new Path(st.getPath(), INFO))) {
                best = Math.max(best, Integer.parseInt(name.substring(PREFIX.length())));
            }
        }
        return best < 0 ? Optional.empty() : Optional.of(best);
    }

    public CheckpointInfo info(int version) throws IOException {
        Path p = new Path(versionDir(version), INFO);
        try (InputStream in = fs.open(p)) {
            return JSON.readValue(in, CheckpointInfo.class);
        }
    }

    public RelationParameters relations(int version) throws IOException {
        Path p = new Path(versionDir(version), RELATIONS);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(fs.open(p), 1 << 16))) {
            return RelationParameters.read(in, p.toString());
        }
    }

    public EmbeddingTable table(int version, String type, int partition) throws IOException {
        Path p = tableFile(versionDir(version), type, partition);
        try (InputStream in = new BufferedInputStream(fs.open(p), 1 << 20)) {
            return TableFormat.read(type, partition, in, p.toString());
        }
    }

    /**
     * Discards every checkpoint version and the stats: the root is first renamed aside in one step (so a run killed
     * meanwhile leaves no half-deleted version that a later run would resume), then deleted; what a killed discard
     * left aside before is deleted too. Returns how many committed versions were discarded.
     */
    public int discardAll() throws IOException {
        FileStatus[] leftovers = fs.globStatus(new Path(root.getParent(), root.getName() + "._discarded-*"));
        if (leftovers != null) {
            for (FileStatus st : leftovers) {
                fs.delete(st.getPath(), true);
            }
        }
        if (!fs.exists(root)) {
            return 0;
        }
        int versions = 0;
        for (FileStatus st : fs.listStatus(root)) {
            if (st.isDirectory() && st.getPath().getName().matches(PREFIX + "\\d{8}")) {
                versions++;
            }
        }
        Path aside = new Path(root.getParent(), root.getName() + "._discarded-" + System.currentTimeMillis());
        if (!fs.rename(root, aside)) {
            throw new IOException("could not move " + root + " aside to " + aside + " to discard its checkpoints");
        }
        fs.delete(aside, true);
        return versions;
    }

    /** Deletes leftovers of runs that died before committing ({@code ._tmp-*} and {@code ._old-*} directories). */
    public void removeIncomplete() throws IOException {
        if (!fs.exists(root)) {
            return;
        }
        for (FileStatus st : fs.listStatus(root)) {
            String name = st.getPath().getName();
            if (name.startsWith(PREFIX) && (name.contains("._tmp-") || name.contains("._old-"))) {
                fs.delete(st.getPath(), true);
            }
        }
    }

    /** Keeps the newest {@code keep} committed versions and deletes the rest. */
    public void prune(int keep) throws IOException {
        List<Integer> versions = new ArrayList<>();
        for (FileStatus st : fs.listStatus(root)) {
            String name = st.getPath().getName();
            if (st.isDirectory() && name.matches(PREFIX + "\\d{8}")) {
                versions.add(Integer.parseInt(name.substring(PREFIX.length())));
            }
        }
        versions.sort(Comparator.reverseOrder());
        for (int i = keep; i < versions.size(); i++) {
            fs.delete(versionDir(versions.get(i)), true);
        }
    }

    /** Rewrites ROOT/stats.jsonl from the given stats (one compact JSON object per line). */
    public void writeStats(List<EpochStats> stats) throws IOException {
        ObjectMapper compact = new ObjectMapper();
        StringBuilder sb = new StringBuilder();
        for (EpochStats s : stats) {
            sb.append(compact.writeValueAsString(s)).append('\n');
        }
        try (OutputStream out = fs.create(new Path(root, STATS), true)) {
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * The stats in ROOT/stats.jsonl (empty when absent); a line that does not parse (a write cut short) is skipped.
     * It can hold what a checkpoint's own info lacks: the metrics of evaluation during training, which runs after the
     * version is committed.
     */
    public List<EpochStats> readStats() throws IOException {
        Path p = new Path(root, STATS);
        List<EpochStats> out = new ArrayList<>();
        if (!fs.exists(p)) {
            return out;
        }
        ObjectMapper mapper = new ObjectMapper();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(p), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                try {
                    out.add(mapper.readValue(line, EpochStats.class));
                } catch (IOException e) {
                    // a truncated last line: the checkpoint's info remains the record of that epoch
                }
            }
        }
        return out;
    }

    /**
     * The stats of version {@code version}'s checkpoint, with the metrics of evaluation during training taken from
     * stats.jsonl where the checkpoint lacks them (an epoch is evaluated after its version is committed).
     */
    public List<EpochStats> stats(int version) throws IOException {
        List<EpochStats> out = new ArrayList<>(info(version).stats());
        List<EpochStats> written = readStats();
        for (int i = 0; i < out.size(); i++) {
            EpochStats c = out.get(i);
            for (EpochStats w : written) {
                if (c.metrics().isEmpty() && w.epoch() == c.epoch() && w.edges() == c.edges() && !w.metrics().isEmpty()) {
                    out.set(i, c.withMetrics(w.metrics()));
                }
            }
        }
        return out;
    }

    /**
     * Starts version {@code version}: tables saved through the returned writer go to its temporary directory; tables
     * not saved this epoch are read from {@code previous} (empty: initialized by {@code initializer}).
     */
    public EpochWriter begin(int version, Optional<Integer> previous,
                             BiFunction<String, Integer, EmbeddingTable> initializer) throws IOException {
        fs.mkdirs(root);
        return new EpochWriter(AtomicDirectory.begin(fs, versionDir(version), true, "checkpoint"), version, previous, initializer);
    }

    /** The writer of one epoch's version; a {@link PartitionStore} for the trainer. */
    public final class EpochWriter implements PartitionStore, AutoCloseable {

        private final AtomicDirectory dir;
        private final int version;
        private final Optional<Integer> previous;
        private final BiFunction<String, Integer, EmbeddingTable> initializer;
        private final Map<String, CheckpointInfo.TablePartition> written = new ConcurrentHashMap<>();

        private EpochWriter(AtomicDirectory dir, int version, Optional<Integer> previous,
                            BiFunction<String, Integer, EmbeddingTable> initializer) {
            this.dir = dir;
            this.version = version;
            this.previous = previous;
            this.initializer = initializer;
        }

        private static String key(String type, int partition) {
            return type + "/" + partition;
        }

        @Override
        public EmbeddingTable load(String type, int partition) throws IOException {
            if (written.containsKey(key(type, partition))) {
                Path p = tableFile(dir.path(), type, partition);
                try (InputStream in = new BufferedInputStream(fs.open(p), 1 << 20)) {
                    return TableFormat.read(type, partition, in, p.toString());
                }
            }
            if (previous.isPresent()) {
                return table(previous.get(), type, partition);
            }
            return initializer.apply(type, partition);
        }

        @Override
        public void save(EmbeddingTable t) throws IOException {
            Path p = tableFile(dir.path(), t.entityType(), t.partition());
            try (OutputStream out = new BufferedOutputStream(fs.create(p, true), 1 << 20)) {
                TableFormat.write(t, out);
            }
            written.put(key(t.entityType(), t.partition()), new CheckpointInfo.TablePartition(t.entityType(), t.partition(), t.rows(), t.dim()));
        }

        /**
         * Completes the version: saves every table in {@code expected} not yet written (carried over from the previous
         * version, or initialized), the relation parameters and the info, then commits by rename.
         */
        public CheckpointInfo commit(Set<String> expectedKeys, RelationParameters relations, int epochs,
                                     Map<String, String> config, Map<String, String> compatibility, List<EpochStats> stats) throws IOException {
            for (String k : expectedKeys) {
                if (!written.containsKey(k)) {
                    int slash = k.lastIndexOf('/');
                    save(load(k.substring(0, slash), Integer.parseInt(k.substring(slash + 1))));
                }
            }
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(fs.create(new Path(dir.path(), RELATIONS), true), 1 << 16))) {
                relations.write(out);
            }
            List<CheckpointInfo.TablePartition> parts = new ArrayList<>(new TreeMap<>(written).values());
            CheckpointInfo info = new CheckpointInfo(CheckpointInfo.FORMAT_VERSION, version, epochs, Instant.now().toString(),
                    config, compatibility, parts, stats);
            try (OutputStream out = fs.create(new Path(dir.path(), INFO), true)) {
                JSON.writeValue(out, info);
            }
            dir.commit();
            return info;
        }

        /** The version's temporary directory (committed by rename in {@link #commit}). */
        public Path directory() {
            return dir.path();
        }

        /**
         * Takes over the tables that distributed workers saved in {@code attemptDir} (a {@link SharedEpochStore}'s
         * directory): moves each into this version and records it as written. Returns how many were adopted.
         */
        public int adopt(Path attemptDir) throws IOException {
            Path entities = new Path(attemptDir, "entities");
            if (!fs.exists(entities)) {
                return 0;
            }
            int n = 0;
            for (FileStatus typeDir : fs.listStatus(entities)) {
                String type = typeDir.getPath().getName();
                for (FileStatus f : fs.listStatus(typeDir.getPath())) {
                    String name = f.getPath().getName();
                    if (!name.matches("part-\\d{5,}\\.emb")) {
                        continue;
                    }
                    int partition = Integer.parseInt(name.substring(5, name.length() - 4));
                    int[] shape;
                    try (InputStream in = fs.open(f.getPath())) {
                        shape = TableFormat.readShape(in, f.getLen(), f.getPath().toString());
                    }
                    Path target = tableFile(dir.path(), type, partition);
                    fs.mkdirs(target.getParent());
                    if (fs.exists(target)) {
                        fs.delete(target, false);
                    }
                    if (!fs.rename(f.getPath(), target)) {
                        throw new IOException("cannot move " + f.getPath() + " to " + target);
                    }
                    written.put(key(type, partition), new CheckpointInfo.TablePartition(type, partition, shape[0], shape[1]));
                    n++;
                }
            }
            return n;
        }

        /** Drops the uncommitted directory (on failure). */
        @Override
        public void close() {
            dir.abort();
        }

        public static String tableKey(String type, int partition) {
            return key(type, partition);
        }
    }
}
