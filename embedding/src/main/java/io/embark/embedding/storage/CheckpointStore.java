package io.embark.embedding.storage;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.embark.embedding.model.RelationParameters;
import io.embark.partitioning.AtomicDirectory;
import io.embark.partitioning.AtomicFile;
import io.embark.partitioning.OwnChecksums;
import io.embark.partitioning.TableKey;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.IntFunction;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Versioned checkpoints under one directory, on any Hadoop file system. Each epoch writes a new version under a
 * temporary name and commits it by rename ({@link AtomicDirectory}), so a crash or {@code kill -9} leaves the last
 * complete version intact and at most a {@code ._tmp-*} directory, which the next run deletes.
 *
 * <pre>
 *   ROOT/v00000003/manifest.crc32c                 {@link VersionManifest}: every file below with its length and CRC32C
 *   ROOT/v00000003/checkpoint.json                 {@link CheckpointInfo}: epochs done, config, stats
 *   ROOT/v00000003/relations.bin                   {@link RelationsFormat}
 *   ROOT/v00000003/entities/TYPE/part-00000.emb    {@link TableFormat}
 *   ROOT/v00000004._tmp-1c9e...                    epoch 4 in progress
 *   ROOT/v00000005._damaged-1733140000000          set aside by a run that resumed from an older version
 *   ROOT/stats.jsonl                               one {@link EpochStats} line per epoch (replaced atomically after each commit)
 * </pre>
 * Partitions evicted during an epoch are written straight into that epoch's temporary directory, so a committed
 * version never needs a copy pass: every partition is written once per epoch.
 *
 * <p>Every read of a committed version checks the file against the version's manifest (length and CRC32C, computed
 * while the file is read) and, for {@code .emb} and {@code relations.bin}, against the file's own trailer; a file that
 * does not verify is refused with a {@link DamagedCheckpointException} naming it. A version without a manifest
 * (written before checkpoints carried checksums, or copied incompletely) is refused too. {@link #verify} reads a whole
 * version; {@link #newestVerified} finds the newest version that verifies, which {@link #prune} never deletes.
 */
public final class CheckpointStore {

    public static final String INFO = "checkpoint.json";
    public static final String RELATIONS = "relations.bin";
    public static final String STATS = "stats.jsonl";
    private static final String PREFIX = "v";
    private static final String DAMAGED = "._damaged-";
    private static final System.Logger LOG = System.getLogger(CheckpointStore.class.getName());

    static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final FileSystem fs;
    /** {@code fs} past Hadoop's {@code .crc} layer: what a version's files are written on ({@link OwnChecksums}). */
    private final FileSystem own;
    private final Path root;
    /** Manifests read (or written) by this store, by version: read once, checked once. */
    private final Map<Integer, VersionManifest> manifests = new ConcurrentHashMap<>();
    /** Versions this store committed, or read in full and verified: {@link #newestVerified} does not read them again. */
    private final Set<Integer> verified = ConcurrentHashMap.newKeySet();

    public CheckpointStore(FileSystem fs, Path root) {
        this.fs = fs;
        this.own = OwnChecksums.fileSystem(fs);
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
        return new Path(root, versionName(version));
    }

    /** A version's directory name: {@code v00000003}. */
    public static String versionName(int version) {
        return String.format("%s%08d", PREFIX, version);
    }

    /** A table's path inside a version directory: {@code entities/TYPE/part-00003.emb}. */
    static String tableName(String type, int partition) {
        return "entities/" + type + "/" + String.format("part-%05d.emb", partition);
    }

    static Path tableFile(Path dir, String type, int partition) {
        return new Path(dir, tableName(type, partition));
    }

    /**
     * The committed versions, oldest first: every directory named {@code vNNNNNNNN} (the rename is the commit), whether
     * it verifies or not, so that a damaged or incomplete newest version is refused by name rather than passed over.
     */
    public List<Integer> versions() throws IOException {
        List<Integer> out = new ArrayList<>();
        if (!fs.exists(root)) {
            return out;
        }
        for (FileStatus st : fs.listStatus(root)) {
            String name = st.getPath().getName();
            if (st.isDirectory() && name.matches(PREFIX + "\\d{8}")) {
                out.add(Integer.parseInt(name.substring(PREFIX.length())));
            }
        }
        Collections.sort(out);
        return out;
    }

    /** The newest committed version, if any (see {@link #versions}). */
    public Optional<Integer> latestVersion() throws IOException {
        List<Integer> all = versions();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** The version's manifest, read and checked once per store. */
    public VersionManifest manifest(int version) throws IOException {
        VersionManifest m = manifests.get(version);
        if (m != null) {
            return m;
        }
        Path dir = versionDir(version);
        Path p = new Path(dir, VersionManifest.FILE);
        byte[] bytes;
        try (InputStream in = fs.open(p)) {
            bytes = in.readAllBytes();
        } catch (FileNotFoundException e) {
            if (fs.exists(new Path(dir, INFO))) {
                throw new DamagedCheckpointException(OptionalInt.of(version), p, "missing: the version was written before checkpoints "
                        + "carried checksums, so a damaged table could not be told from a good one, and it is not read (train again: "
                        + "training.overwrite = true discards it, or move " + root + " aside)", true, e);
            }
            throw refusal(version).refuse(p, "missing: the version is incomplete (the manifest is its last file)", e);
        } catch (ChecksumException e) {
            throw refusal(version).refuse(p, "Hadoop's checksum (.crc) does not match: " + e.getMessage(), e);
        }
        m = VersionManifest.parse(bytes, problem -> refusal(version).refuse(p, problem, null));
        manifests.put(version, m);
        return m;
    }

    private CheckedFiles.Refusal refusal(int version) {
        return (file, problem, cause) -> new DamagedCheckpointException(OptionalInt.of(version), file, problem, false, cause);
    }

    /** What the manifest records for {@code path}; refused when it lists no such file. */
    private FileCrc expected(int version, String path) throws IOException {
        return manifest(version).file(path).orElseThrow(() -> refusal(version).refuse(new Path(versionDir(version), path),
                "not listed in " + VersionManifest.FILE + " (the version is incomplete or not this checkpoint's)", null));
    }

    public CheckpointInfo info(int version) throws IOException {
        Path p = new Path(versionDir(version), INFO);
        byte[] bytes = CheckedFiles.readAll(fs, p, expected(version, INFO), refusal(version));
        return JSON.readValue(bytes, CheckpointInfo.class);
    }

    public RelationParameters relations(int version) throws IOException {
        Path p = new Path(versionDir(version), RELATIONS);
        return CheckedFiles.read(fs, p, expected(version, RELATIONS), RelationsFormat::read, refusal(version));
    }

    /** Floats per segment of the tables {@link #tableForLookups} reads: 64 MB. */
    public static final int LOOKUP_SEGMENT_FLOATS = 1 << 24;

    /**
     * As {@link #table}, in segments of at most {@link #LOOKUP_SEGMENT_FLOATS}: for eval and export, which read many
     * partitions one after the other in one JVM and only look rows up.
     */
    public EmbeddingTable tableForLookups(int version, String type, int partition) throws IOException {
        String name = tableName(type, partition);
        return CheckedFiles.read(fs, new Path(versionDir(version), name), expected(version, name),
                in -> TableFormat.readInSegments(type, partition, in, LOOKUP_SEGMENT_FLOATS), refusal(version));
    }

    public EmbeddingTable table(int version, String type, int partition) throws IOException {
        String name = tableName(type, partition);
        return CheckedFiles.read(fs, new Path(versionDir(version), name), expected(version, name),
                in -> TableFormat.read(type, partition, in), refusal(version));
    }

    /**
     * Checks, without reading the tables, that a version is complete: its manifest verifies, lists its info, its
     * relation parameters and every table its info names, and every file it lists is there with the recorded length
     * (one listing). Returns the version's info.
     */
    public CheckpointInfo checkComplete(int version) throws IOException {
        VersionManifest m = manifest(version);
        CheckpointInfo info = info(version);
        expected(version, RELATIONS);
        for (CheckpointInfo.TablePartition tp : info.partitions()) {
            expected(version, tableName(tp.entityType(), tp.partition()));
        }
        Path dir = versionDir(version);
        Map<String, Long> lengths = new TreeMap<>();
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(dir, true);
        String prefix = fs.makeQualified(dir).toUri().getPath() + "/";
        while (it.hasNext()) {
            LocatedFileStatus st = it.next();
            String path = st.getPath().toUri().getPath();
            if (path.startsWith(prefix)) {
                lengths.put(path.substring(prefix.length()), st.getLen());
            }
        }
        for (Map.Entry<String, FileCrc> e : m.files().entrySet()) {
            Long len = lengths.get(e.getKey());
            if (len == null || len != e.getValue().bytes()) {
                throw refusal(version).refuse(new Path(dir, e.getKey()), (len == null ? "missing" : len + " bytes") + ", expected "
                        + e.getValue().bytes() + " (" + VersionManifest.FILE + ")", null);
            }
        }
        return info;
    }

    /**
     * Reads every file of a version in full and checks it against the manifest and its trailer; refuses with the first
     * file that does not verify.
     */
    public void verify(int version) throws IOException {
        checkComplete(version);
        Path dir = versionDir(version);
        for (Map.Entry<String, FileCrc> e : manifest(version).files().entrySet()) {
            CheckedFiles.verify(fs, new Path(dir, e.getKey()), e.getValue(), VersionManifest.hasTrailer(e.getKey()), refusal(version));
        }
        verified.add(version);
    }

    /**
     * The newest version up to {@code atMost} that verifies ({@link #verify}: read in full, newest first, unless this
     * store committed or verified it already); empty when none does. Versions that do not verify are logged.
     */
    public Optional<Integer> newestVerified(int atMost) throws IOException {
        List<Integer> all = versions();
        for (int i = all.size() - 1; i >= 0; i--) {
            int v = all.get(i);
            if (v > atMost) {
                continue;
            }
            if (verified.contains(v)) {
                return Optional.of(v);
            }
            try {
                verify(v);
                return Optional.of(v);
            } catch (DamagedCheckpointException e) {
                LOG.log(System.Logger.Level.WARNING, "checkpoint version {0} does not verify: {1}", versionName(v), e.getMessage());
            }
        }
        return Optional.empty();
    }

    /**
     * {@code e} with the newest version older than the one refused that verifies, and what {@code use} says to set to
     * use it (given its number); or that none verifies. A file of an epoch in progress, or a refusal explained
     * already, is returned as it is.
     */
    public DamagedCheckpointException explain(DamagedCheckpointException e, IntFunction<String> use) throws IOException {
        if (e.version().isEmpty() || e.advised()) {
            return e;
        }
        Optional<Integer> older = newestVerified(e.version().getAsInt() - 1);
        return e.withAdvice(older.map(v -> "the newest older version that verifies is " + versionName(v) + ": " + use.apply(v))
                .orElse("no older version under " + root + " verifies"));
    }

    /**
     * Whether {@code failure}, of work that read version {@code version} (empty: not known), comes from a checkpoint file
     * that does not verify: then that refusal, explained ({@link #explain}), with {@code failure} suppressed in it.
     * The refusal is looked for in the failure's causes; a Spark job's failure carries its task's exception only as
     * text, so when none is there and the version is known, the version is read in full here to tell. Empty when the
     * failure has another cause.
     */
    public Optional<DamagedCheckpointException> damageBehind(Throwable failure, OptionalInt version, IntFunction<String> use)
            throws IOException {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DamagedCheckpointException d) {
                return Optional.of(explain(d, use));
            }
        }
        if (version.isPresent()) {
            try {
                verify(version.getAsInt());
            } catch (DamagedCheckpointException d) {
                DamagedCheckpointException explained = explain(d, use);
                explained.addSuppressed(failure);
                return Optional.of(explained);
            } catch (IOException other) {
                failure.addSuppressed(other);
            }
        }
        return Optional.empty();
    }

    /**
     * Moves a version that does not verify aside ({@code vNNNNNNNN._damaged-TIME}, kept for inspection, never read), so
     * that the newest committed version is one that verifies.
     */
    public Path setAside(int version) throws IOException {
        Path aside = new Path(root, versionName(version) + DAMAGED + System.currentTimeMillis());
        if (!fs.rename(versionDir(version), aside)) {
            throw new IOException("could not move " + versionDir(version) + " aside to " + aside);
        }
        forget(version);
        return aside;
    }

    private void forget(int version) {
        manifests.remove(version);
        verified.remove(version);
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
        int versions = versions().size();
        manifests.clear();
        verified.clear();
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

    /**
     * Keeps the newest {@code keep} committed versions and the newest version that verifies ({@link #newestVerified}:
     * the version this store just committed, normally, so nothing is read), and deletes the rest. When the newest
     * versions are damaged, the last good one is kept however old it is.
     */
    public void prune(int keep) throws IOException {
        List<Integer> versions = versions();
        Optional<Integer> good = newestVerified(Integer.MAX_VALUE);
        for (int i = 0; i < versions.size() - keep; i++) {
            int v = versions.get(i);
            if (good.isPresent() && good.get() == v) {
                LOG.log(System.Logger.Level.WARNING, "keeping checkpoint version {0} beyond training.keepCheckpoints: it is the newest "
                        + "version that verifies", versionName(v));
                continue;
            }
            fs.delete(versionDir(v), true);
            forget(v);
        }
    }

    /**
     * Replaces ROOT/stats.jsonl with the given stats (one compact JSON object per line), atomically ({@link AtomicFile}):
     * a reader, or a run killed meanwhile, sees the previous file or the new one, never a truncated one.
     */
    public void writeStats(List<EpochStats> stats) throws IOException {
        ObjectMapper compact = new ObjectMapper();
        StringBuilder sb = new StringBuilder();
        for (EpochStats s : stats) {
            sb.append(compact.writeValueAsString(s)).append('\n');
        }
        AtomicFile.write(fs, new Path(root, STATS), sb.toString());
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
        private final Map<TableKey, CheckpointInfo.TablePartition> written = new ConcurrentHashMap<>();
        /** Every file written (or adopted) so far, by path in the version: what the manifest will record. */
        private final Map<String, FileCrc> files = new ConcurrentHashMap<>();

        private EpochWriter(AtomicDirectory dir, int version, Optional<Integer> previous,
                            BiFunction<String, Integer, EmbeddingTable> initializer) {
            this.dir = dir;
            this.version = version;
            this.previous = previous;
            this.initializer = initializer;
        }

        @Override
        public EmbeddingTable load(String type, int partition) throws IOException {
            if (written.containsKey(new TableKey(type, partition))) {
                String name = tableName(type, partition);
                return CheckedFiles.read(fs, new Path(dir.path(), name), files.get(name), in -> TableFormat.read(type, partition, in),
                        (file, problem, cause) -> new DamagedCheckpointException(OptionalInt.empty(), file, problem + " (written earlier "
                                + "this epoch)", false, cause));
            }
            if (previous.isPresent()) {
                return table(previous.get(), type, partition);
            }
            return initializer.apply(type, partition);
        }

        @Override
        public void save(EmbeddingTable t) throws IOException {
            String name = tableName(t.entityType(), t.partition());
            FileCrc crc;
            try (OutputStream out = new BufferedOutputStream(own.create(new Path(dir.path(), name), true), 1 << 20)) {
                crc = TableFormat.write(t, out);
            }
            files.put(name, crc);
            written.put(new TableKey(t.entityType(), t.partition()), new CheckpointInfo.TablePartition(t.entityType(), t.partition(), t.rows(), t.dim()));
        }

        /**
         * Completes the version: saves every table in {@code expected} not yet written (carried over from the previous
         * version, or initialized), the relation parameters, the info and, last, the manifest of them all, then commits
         * by rename.
         */
        public CheckpointInfo commit(Set<TableKey> expectedKeys, RelationParameters relations, int epochs,
                                     Map<String, String> config, Map<String, String> compatibility, List<EpochStats> stats) throws IOException {
            return commit(expectedKeys, relations, epochs, config, compatibility, stats, null);
        }

        /** As above, recording where a warm-started run's model came from ({@code lineage}; null: from scratch). */
        public CheckpointInfo commit(Set<TableKey> expectedKeys, RelationParameters relations, int epochs,
                                     Map<String, String> config, Map<String, String> compatibility, List<EpochStats> stats,
                                     CheckpointLineage lineage) throws IOException {
            for (TableKey k : expectedKeys) {
                if (!written.containsKey(k)) {
                    save(load(k));
                }
            }
            try (OutputStream out = own.create(new Path(dir.path(), RELATIONS), true)) {
                files.put(RELATIONS, RelationsFormat.write(relations, out));
            }
            List<CheckpointInfo.TablePartition> parts = new ArrayList<>(new TreeMap<>(written).values());
            CheckpointInfo info = new CheckpointInfo(CheckpointInfo.FORMAT_VERSION, version, epochs, Instant.now().toString(),
                    config, compatibility, parts, stats, lineage);
            byte[] json = JSON.writeValueAsBytes(info);
            try (OutputStream out = own.create(new Path(dir.path(), INFO), true)) {
                out.write(json);
            }
            files.put(INFO, new FileCrc(json.length, VersionManifest.crc32c(json, json.length)));
            VersionManifest manifest = new VersionManifest(files);
            manifest.write(own, dir.path());
            dir.commit();
            manifests.put(version, manifest);
            verified.add(version);
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
                    // the header and the trailer only: the manifest records the CRC32C the worker computed as it wrote
                    int[] shape;
                    long trailer;
                    try (FSDataInputStream in = own.open(f.getPath())) {
                        shape = TableFormat.readShape(in, f.getLen(), f.getPath().toString());
                        in.seek(f.getLen() - Crc32cOutputStream.TRAILER_BYTES);
                        trailer = Long.reverseBytes(in.readLong());
                    }
                    Path target = tableFile(dir.path(), type, partition);
                    fs.mkdirs(target.getParent());
                    if (fs.exists(target)) {
                        fs.delete(target, false);
                    }
                    if (!fs.rename(f.getPath(), target)) {
                        throw new IOException("cannot move " + f.getPath() + " to " + target);
                    }
                    written.put(new TableKey(type, partition), new CheckpointInfo.TablePartition(type, partition, shape[0], shape[1]));
                    files.put(tableName(type, partition), new FileCrc(f.getLen(), trailer));
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
    }
}
