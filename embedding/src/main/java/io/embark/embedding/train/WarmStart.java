package io.embark.embedding.train;

import io.embark.embedding.config.AdagradMode;
import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.model.RelationParameters;
import io.embark.embedding.storage.CheckpointInfo;
import io.embark.embedding.storage.CheckpointLineage;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.embedding.storage.EmbeddingTable;
import io.embark.embedding.storage.EpochStats;
import io.embark.partitioning.Bucket;
import io.embark.partitioning.DatasetLayout;
import io.embark.partitioning.EdgeBlock;
import io.embark.partitioning.ImportManifest;
import io.embark.partitioning.ImportedGraph;
import io.embark.partitioning.TableKey;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A warm start ({@code training.init}): the model of a run whose checkpoint directory is empty, taken from a checkpoint
 * trained on this dataset or on the base dataset this one extends ({@code import.base}), written as version 0 of the new
 * checkpoint directory (0 epochs) so that every later step (one machine or W workers, resume after a crash) reads it as
 * it reads any previous version.
 *
 * <p>What version 0 holds, per (type, partition) table: the init checkpoint's rows with their Adagrad state at their
 * offsets (an import against a base keeps every base entity's partition and offset, and appends new ones after them),
 * then the new entities' rows, each the mean of its already-trained neighbours in this dataset's training edges where
 * it has any (state 0), else random at {@code model.initScale}. Relations the init checkpoint has carry over (with
 * state), new ones start fresh. The version records a {@link CheckpointLineage}; with {@code training.freeze =
 * existing} the rows and relations it names stay fixed in every epoch.
 *
 * <p>Refused, naming {@code training.init}: a path with no checkpoint, a checkpoint of a dataset that is neither this one
 * nor its base, a differing model key, or tables that do not fit (a partition with fewer rows than the checkpoint's).
 */
final class WarmStart {

    private static final System.Logger LOG = System.getLogger(WarmStart.class.getName());

    private WarmStart() {
    }

    /** The init checkpoint: a checkpoint directory (its newest version) or one {@code vNNNNNNNN} directory in it. */
    record Source(CheckpointStore store, int version, CheckpointInfo info) {
        Path dir() {
            return store.versionDir(version);
        }
    }

    static Source open(FileSystem fs, String path) throws IOException {
        Path p = new Path(path);
        FileSystem pfs = p.getFileSystem(fs.getConf());
        if (!pfs.exists(p)) {
            throw new IllegalArgumentException("training.init: " + path + " does not exist (expected a checkpoint directory, "
                    + "e.g. the checkpoints/ of the workspace that trained the base dataset, or one vNNNNNNNN version in it)");
        }
        CheckpointStore store;
        Optional<Integer> version;
        if (p.getName().matches("v\\d{8}")) {
            store = new CheckpointStore(pfs, p.getParent());
            version = Optional.of(Integer.parseInt(p.getName().substring(1)));
        } else {
            store = new CheckpointStore(pfs, p);
            version = store.latestVersion();
        }
        if (version.isEmpty()) {
            throw new IllegalArgumentException("training.init: " + path + " holds no committed checkpoint version (vNNNNNNNN)");
        }
        CheckpointInfo info = store.checkComplete(version.get());
        return new Source(store, version.get(), info);
    }

    /**
     * Checks that {@code source} can start a model of {@code graph} under {@code model} and returns the lineage that
     * the new checkpoints record; refuses with {@code training.init} and what was expected.
     */
    static CheckpointLineage lineage(ImportedGraph graph, TrainingSchema schema, Map<String, String> compatibility, Source source,
                                     TrainingConfig training) {
        ImportManifest m = graph.manifest();
        String trainedOn = source.info().compatibility().get("dataset.importedAt");
        String baseAt = m.lineage() == null ? null : m.lineage().baseCreatedAt();
        boolean same = trainedOn != null && trainedOn.equals(m.createdAt());
        boolean base = trainedOn != null && trainedOn.equals(baseAt);
        if (!same && !base) {
            throw new IllegalArgumentException("training.init: checkpoint " + source.dir() + " was trained on the dataset imported at "
                    + trainedOn + "; this dataset (" + graph.layout().root() + ") was imported at " + m.createdAt()
                    + (baseAt == null ? " without a base" : " against a base imported at " + baseAt)
                    + ": expected a checkpoint of this dataset or of its base (import.base)");
        }
        List<String> diffs = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(compatibility.keySet());
        keys.addAll(source.info().compatibility().keySet());
        for (String k : keys) {
            if (k.startsWith("dataset.")) {
                continue; // the dataset grows: its counts differ by design, and which import it is was checked above
            }
            String a = source.info().compatibility().get(k);
            String b = compatibility.get(k);
            if (a == null ? b != null : !a.equals(b)) {
                diffs.add(k + ": checkpoint " + (a == null ? "(absent)" : a) + ", now " + (b == null ? "(absent)" : b));
            }
        }
        if (!diffs.isEmpty()) {
            throw new IllegalArgumentException("training.init: checkpoint " + source.dir() + " was trained with another model; differing keys: "
                    + String.join("; ", diffs));
        }
        for (CheckpointInfo.TablePartition t : source.info().partitions()) {
            TrainingSchema.TypeInfo type = schema.type(t.entityType());
            if (type == null || t.partition() >= type.partitions()) {
                throw new IllegalArgumentException("training.init: checkpoint " + source.dir() + " has table " + t.entityType() + "/" + t.partition()
                        + ", which this dataset does not have (a dataset imported against a base keeps its types and partition counts)");
            }
            long rows = type.partitionCounts()[t.partition()];
            if (t.rows() > rows || t.dim() != type.dim()) {
                throw new IllegalArgumentException("training.init: checkpoint " + source.dir() + " has " + t.rows() + " x " + t.dim() + " rows in table "
                        + t.entityType() + "/" + t.partition() + "; this dataset has " + rows + " x " + type.dim()
                        + " (expected at least the checkpoint's rows, at the same dimension)");
            }
        }
        int initRelations = Integer.parseInt(source.info().compatibility().getOrDefault("dataset.relations", "0"));
        if (initRelations > schema.relationNames().size()) {
            throw new IllegalArgumentException("training.init: checkpoint " + source.dir() + " has " + initRelations
                    + " relations, this dataset " + schema.relationNames().size() + " (expected at least as many)");
        }
        if (training.init().freeze() != io.embark.embedding.config.Freeze.NONE && same) {
            throw new IllegalArgumentException("training.freeze = existing: checkpoint " + source.dir() + " was trained on this very dataset, "
                    + "so every row would stay fixed; expected a checkpoint of the base dataset that this one extends");
        }
        return new CheckpointLineage(graph.layout().root().toString(), m.createdAt(), m.lineage() == null ? null : m.lineage().base(),
                source.dir().toString(), trainedOn, List.copyOf(source.info().partitions()),
                List.copyOf(schema.relationNames().subList(0, initRelations)));
    }

    /**
     * Writes version 0 of {@code checkpoints}: the warm-started model (see the class comment), with {@code lineage}
     * recorded; returns its stats (none: it holds 0 epochs).
     */
    static void write(ImportedGraph graph, ModelConfig model, TrainingConfig training, TrainingSchema schema, Source source,
                      CheckpointLineage lineage, CheckpointStore checkpoints, Map<String, String> config,
                      Map<String, String> compatibility) throws IOException {
        long t0 = System.nanoTime();
        RelationParameters relations = RelationParameters.create(model, schema.relationNames(), schema.relationDims());
        RelationParameters initRelations = source.store().relations(source.version());
        for (int r = 0; r < lineage.initRelations().size(); r++) {
            relations.copyRelation(r, initRelations, r, schema.relationNames().get(r));
        }
        Map<TableKey, float[]> sums = new HashMap<>();
        Map<TableKey, int[]> counts = new HashMap<>();
        long newRows = neighbourSums(graph, schema, source, lineage, sums, counts);
        long[] seeded = new long[2];
        try (CheckpointStore.EpochWriter writer = checkpoints.begin(0, Optional.empty(), (type, part) -> {
            try {
                return table(schema, model, training, source, lineage, type, part, sums, counts, seeded);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        })) {
            writer.commit(schema.allTables(), relations, 0, config, compatibility, List.<EpochStats>of(), lineage);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        LOG.log(Level.INFO, String.format("warm start from %s: %,d rows carried over, %,d new (%,d from the mean of their trained "
                        + "neighbours, %,d random), %d of %d relations carried over, in %.1f s; written as %s",
                lineage.initCheckpoint(), lineage.initTables().stream().mapToLong(CheckpointInfo.TablePartition::rows).sum(), newRows,
                seeded[0], seeded[1], lineage.initRelations().size(), schema.relationNames().size(), (System.nanoTime() - t0) / 1e9,
                checkpoints.versionDir(0)));
    }

    private static EmbeddingTable table(TrainingSchema schema, ModelConfig model, TrainingConfig training, Source source,
                                        CheckpointLineage lineage, String type, int part, Map<TableKey, float[]> sums,
                                        Map<TableKey, int[]> counts, long[] seeded) throws IOException {
        EmbeddingTable fresh = Trainer.initialTable(schema, model, training, type, part);
        int known = lineage.knownRows(type, part);
        if (known > 0) {
            EmbeddingTable init = source.store().table(source.version(), type, part);
            if (init.elementwise() != fresh.elementwise()) {
                throw new IllegalArgumentException("training.init: checkpoint " + source.dir() + " keeps " + (init.elementwise() ? "element" : "row")
                        + "-wise Adagrad state; this run is configured with training.adagrad = "
                        + (training.adagrad() == AdagradMode.ELEMENTWISE ? "elementwise" : "rowwise"));
            }
            int d = fresh.dim();
            int stateWidth = fresh.elementwise() ? d : 1;
            for (int i = 0; i < known; i++) {
                System.arraycopy(init.data(i), init.dataOffset(i), fresh.data(i), fresh.dataOffset(i), d);
                System.arraycopy(init.state(i), init.stateOffset(i), fresh.state(i), fresh.stateOffset(i), stateWidth);
            }
        }
        TableKey key = new TableKey(type, part);
        float[] sum = sums.get(key);
        int[] count = counts.get(key);
        int d = fresh.dim();
        for (int i = known; i < fresh.rows(); i++) {
            int c = count == null ? 0 : count[i - known];
            if (c > 0) {
                float[] row = fresh.data(i);
                int off = fresh.dataOffset(i);
                for (int k = 0; k < d; k++) {
                    row[off + k] = sum[(i - known) * d + k] / c;
                }
                seeded[0]++;
            } else {
                seeded[1]++;
            }
        }
        return fresh;
    }

    /**
     * One pass over the training edges: for each new row (at or above its table's known rows), the sum and count of
     * the init checkpoint's embeddings of its known neighbours. Loads the init tables a bucket needs, one bucket at a
     * time (each partition's tables at most once per row of the bucket grid). Returns the number of new rows.
     */
    private static long neighbourSums(ImportedGraph graph, TrainingSchema schema, Source source, CheckpointLineage lineage,
                                      Map<TableKey, float[]> sums, Map<TableKey, int[]> counts) throws IOException {
        long newRows = 0;
        for (TableKey k : schema.allTables()) {
            int known = lineage.knownRows(k.entityType(), k.partition());
            int rows = Math.toIntExact(schema.type(k.entityType()).partitionCounts()[k.partition()]);
            if (rows > known) {
                newRows += rows - known;
                sums.put(k, new float[Math.multiplyExact(rows - known, schema.type(k.entityType()).dim())]);
                counts.put(k, new int[rows - known]);
            }
        }
        if (newRows == 0) {
            return 0;
        }
        Map<TableKey, EmbeddingTable> cache = new HashMap<>();
        for (Bucket b : graph.nonEmptyBuckets(DatasetLayout.TRAIN)) {
            // the base's edges of an append import (if known) never touch a new entity: not kept
            EdgeBlock edges = graph.readBucket(DatasetLayout.TRAIN, b, 0.0, 0L);
            for (int i = 0; i < edges.size(); i++) {
                int r = edges.relation(i);
                TableKey lk = schema.key(schema.lhsType(r), schema.partitionOf(schema.lhsType(r), b.lhsPartition()));
                TableKey rk = schema.key(schema.rhsType(r), schema.partitionOf(schema.rhsType(r), b.rhsPartition()));
                accumulate(lk, edges.lhs(i), rk, edges.rhs(i), lineage, source, cache, sums, counts);
                accumulate(rk, edges.rhs(i), lk, edges.lhs(i), lineage, source, cache, sums, counts);
            }
            // buckets come lhs-major: keep only the tables of this lhs partition for the next bucket of its row
            cache.keySet().removeIf(k -> k.partition() != b.lhsPartition());
        }
        return newRows;
    }

    /** Adds the known neighbour {@code (nk, nRow)} to the sum of {@code (k, row)} when that row is new and the neighbour is not. */
    private static void accumulate(TableKey k, int row, TableKey nk, int nRow, CheckpointLineage lineage, Source source,
                                   Map<TableKey, EmbeddingTable> cache, Map<TableKey, float[]> sums, Map<TableKey, int[]> counts)
            throws IOException {
        int known = lineage.knownRows(k.entityType(), k.partition());
        if (row < known || nRow >= lineage.knownRows(nk.entityType(), nk.partition())) {
            return;
        }
        EmbeddingTable t = cache.get(nk);
        if (t == null) {
            t = source.store().table(source.version(), nk.entityType(), nk.partition());
            cache.put(nk, t);
        }
        float[] sum = sums.get(k);
        int d = t.dim();
        float[] data = t.data(nRow);
        int off = t.dataOffset(nRow);
        int base = (row - known) * d;
        for (int j = 0; j < d; j++) {
            sum[base + j] += data[off + j];
        }
        counts.get(k)[row - known]++;
    }
}
