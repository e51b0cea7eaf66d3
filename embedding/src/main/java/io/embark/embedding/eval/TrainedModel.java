package io.embark.embedding.eval;

import io.embark.embedding.config.ComparatorType;
import io.embark.embedding.model.Comparator;
import io.embark.embedding.model.RelationParameters;
import io.embark.embedding.storage.CheckpointInfo;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.embedding.storage.EmbeddingTable;
import io.embark.partitioning.Side;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A committed checkpoint opened for scoring: entity embeddings per (type, partition), loaded on first use, and the
 * model's relation operators and comparator. Every file is checked against the version's manifest as it is read
 * ({@link CheckpointStore}): a file that does not verify is refused by name, never scored.
 *
 * <p>Scoring an edge (l, r, t) for rhs prediction: {@code q = query(r, Side.RHS, emb(l))}, then {@code score(q, emb(t))};
 * for lhs prediction {@code q = query(r, Side.LHS, emb(t))}, then {@code score(q, emb(l))}. That is exactly what training
 * optimized (see {@link RelationParameters} for reciprocal and adjoint operators).
 */
public final class TrainedModel {

    private final CheckpointStore store;
    private final int version;
    private final CheckpointInfo info;
    private final RelationParameters relations;
    private final Comparator comparator;
    private final Map<String, EmbeddingTable> tables = new ConcurrentHashMap<>();

    private TrainedModel(CheckpointStore store, int version) throws IOException {
        this.store = store;
        this.version = version;
        this.info = store.info(version);
        this.relations = store.relations(version);
        this.comparator = Comparator.of(ComparatorType.parse("model.comparator", info.config().get("model.comparator")));
    }

    /** There is no committed checkpoint of the version asked for (or none at all). */
    public static final class MissingCheckpointException extends IOException {
        private static final long serialVersionUID = 1L;

        MissingCheckpointException(String message) {
            super(message);
        }
    }

    /** Opens the newest committed checkpoint. */
    public static TrainedModel latest(CheckpointStore store) throws IOException {
        return new TrainedModel(store, store.latestVersion()
                .orElseThrow(() -> new MissingCheckpointException("no committed checkpoint under " + store.root() + " (run `embark train` first)")));
    }

    public static TrainedModel version(CheckpointStore store, int version) throws IOException {
        return new TrainedModel(store, version);
    }

    /**
     * Opens {@code version}, or the newest committed one when empty. A missing version is an error that names the
     * config key {@code key} it came from and the versions there are.
     */
    public static TrainedModel open(CheckpointStore store, Optional<Integer> version, String key) throws IOException {
        if (version.isEmpty()) {
            return latest(store);
        }
        List<Integer> versions = store.versions();
        if (!versions.contains(version.get())) {
            throw new MissingCheckpointException(key + ": " + version.get() + " (no committed checkpoint " + store.versionDir(version.get())
                    + "; expected latest or one of " + versions + ")");
        }
        return new TrainedModel(store, version.get());
    }

    public CheckpointInfo info() {
        return info;
    }

    public int version() {
        return version;
    }

    public RelationParameters relations() {
        return relations;
    }

    public Comparator comparator() {
        return comparator;
    }

    /** The embeddings of one partition of an entity type (cached after the first load). */
    public EmbeddingTable table(String entityType, int partition) throws IOException {
        String key = entityType + "/" + partition;
        EmbeddingTable t = tables.get(key);
        if (t == null) {
            t = store.tableForLookups(version, entityType, partition);
            tables.put(key, t);
        }
        return t;
    }

    /**
     * Writes into {@code out[outOff, outOff+dim)} the query vector that candidates are compared with: for rhs prediction
     * the relation's operator applied to the lhs embedding {@code known}; for lhs prediction ({@code Side.LHS}) the
     * reciprocal operator (or adjoint) applied to the rhs embedding.
     */
    public void query(int relation, Side predicted, float[] known, int knownOff, float[] out, int outOff) {
        relations.operator(relation).apply(relations.params(relation, relations.slot(predicted)), 0, known, knownOff, out, outOff,
                relations.dim(relation), relations.adjoint(predicted));
    }

    /** The score of one candidate embedding against a query vector. */
    public float score(float[] query, int qOff, float[] candidate, int cOff, int dim) {
        float[] qv = new float[dim];
        float[] cv = new float[dim];
        System.arraycopy(query, qOff, qv, 0, dim);
        System.arraycopy(candidate, cOff, cv, 0, dim);
        if (comparator.normalizes()) {
            Comparator.normalize(qv, 0, dim);
            Comparator.normalize(cv, 0, dim);
        }
        float dot = 0f;
        float qq = 0f;
        float cc = 0f;
        for (int k = 0; k < dim; k++) {
            dot += qv[k] * cv[k];
            qq += qv[k] * qv[k];
            cc += cv[k] * cv[k];
        }
        return comparator.score(dot, qq, cc);
    }
}
