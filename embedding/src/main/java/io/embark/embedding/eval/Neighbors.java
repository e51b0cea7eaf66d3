package io.embark.embedding.eval;

import io.embark.embedding.model.Comparator;
import io.embark.embedding.storage.EmbeddingTable;
import io.embark.partitioning.ImportManifest;
import io.embark.partitioning.ImportedGraph;
import io.embark.partitioning.Side;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Nearest-neighbour queries on a checkpoint, by entity name:
 * <ul>
 *   <li>{@link #similar}: the k entities of the same type whose embeddings have the highest cosine similarity with
 *       the given entity's (the entity itself left out);</li>
 *   <li>{@link #tails}: the k entities t scored highest as the rhs of (head, relation, t), with the model's operator and
 *       comparator, exactly as evaluation ranks them; {@link #heads} likewise for (?, relation, tail). The asked entity
 *       itself is left out unless {@code includeSelf}: a model often scores an entity high as its own partner (early in
 *       training, a relation near the identity makes it the best), which answers no one's question.</li>
 * </ul>
 * Every partition of the candidate type is scanned (one at a time, a heap of k kept), so a query costs one pass over
 * that type's embeddings.
 *
 * <pre>
 *   Neighbors n = new Neighbors(graph, TrainedModel.latest(store));
 *   n.tails("/m/02mjmr", "/people/person/nationality", 5, false);   // [Neighbor[name=/m/09c7w0, score=...], ...]
 * </pre>
 */
public final class Neighbors {

    /** One answer: the entity, where it lives, and its score (cosine similarity, or the model's score). */
    public record Neighbor(String entityType, String name, int partition, int offset, float score) {
    }

    /** A name the dataset does not hold; {@link #field()} says which: entity, entityType or relation. */
    public static final class UnknownName extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String field;

        UnknownName(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /** An entity located by name. */
    private record Located(String type, int partition, int offset) {
    }

    private final ImportedGraph graph;
    private final TrainedModel model;

    public Neighbors(ImportedGraph graph, TrainedModel model) {
        this.graph = graph;
        this.model = model;
    }

    /** The {@code k} entities of {@code entityType} most cosine-similar to {@code name}. */
    public List<Neighbor> similar(String entityType, String name, int k) throws IOException {
        Located e = locate(entityType, name);
        float[] q = model.table(entityType, e.partition()).row(e.offset());
        Comparator.normalize(q, 0, q.length);
        return top(entityType, q, k, true, e);
    }

    /** The {@code k} likeliest tails of ({@code head}, {@code relation}, ?); {@code head} itself only if {@code includeSelf}. */
    public List<Neighbor> tails(String head, String relation, int k, boolean includeSelf) throws IOException {
        return predict(head, relation, k, Side.RHS, includeSelf);
    }

    /** The {@code k} likeliest heads of (?, {@code relation}, {@code tail}); {@code tail} itself only if {@code includeSelf}. */
    public List<Neighbor> heads(String tail, String relation, int k, boolean includeSelf) throws IOException {
        return predict(tail, relation, k, Side.LHS, includeSelf);
    }

    private List<Neighbor> predict(String known, String relation, int k, Side predicted, boolean includeSelf) throws IOException {
        int r = relationId(relation);
        ImportManifest.RelationInfo info = graph.manifest().relations().get(r);
        String knownType = predicted.other().pick(info.lhsType(), info.rhsType());
        Located e = locate(knownType, known);
        EmbeddingTable t = model.table(knownType, e.partition());
        float[] q = new float[t.dim()];
        model.query(r, predicted, t.data(e.offset()), t.dataOffset(e.offset()), q, 0);
        if (model.comparator().normalizes()) {
            Comparator.normalize(q, 0, q.length);
        }
        String answerType = predicted.pick(info.lhsType(), info.rhsType());
        return top(answerType, q, k, model.comparator().normalizes(), includeSelf || !answerType.equals(knownType) ? null : e);
    }

    /** Scores every entity of {@code type} against the prepared query q and keeps the best k. */
    private List<Neighbor> top(String type, float[] q, int k, boolean cosine, Located exclude) throws IOException {
        Comparator cmp = model.comparator();
        float qq = 0f;
        for (float v : q) {
            qq += v * v;
        }
        PriorityQueue<Neighbor> heap = new PriorityQueue<>(k + 1, (a, b) -> Float.compare(a.score(), b.score()));
        int parts = graph.manifest().entityType(type).partitions();
        for (int p = 0; p < parts; p++) {
            EmbeddingTable t = model.table(type, p);
            int d = t.dim();
            for (int j = 0; j < t.rows(); j++) {
                if (exclude != null && exclude.partition() == p && exclude.offset() == j) {
                    continue;
                }
                float[] data = t.data(j);
                int off = t.dataOffset(j);
                float dot = 0f;
                float cc = 0f;
                for (int x = 0; x < d; x++) {
                    float c = data[off + x];
                    dot += q[x] * c;
                    cc += c * c;
                }
                float s = cosine ? (float) (dot / Math.max(Math.sqrt(cc), 1e-12)) : cmp.score(dot, qq, cc);
                if (heap.size() < k || s > heap.peek().score()) {
                    heap.add(new Neighbor(type, null, p, j, s));
                    if (heap.size() > k) {
                        heap.poll();
                    }
                }
            }
        }
        List<Neighbor> out = new ArrayList<>(heap);
        out.sort(Collections.reverseOrder((a, b) -> Float.compare(a.score(), b.score())));
        List<Neighbor> named = new ArrayList<>(out.size());
        List<List<String>> names = new ArrayList<>(Collections.nCopies(parts, null));
        for (Neighbor n : out) {
            if (names.get(n.partition()) == null) {
                names.set(n.partition(), graph.entityNames(type, n.partition()));
            }
            named.add(new Neighbor(type, names.get(n.partition()).get(n.offset()), n.partition(), n.offset(), n.score()));
        }
        return named;
    }

    private int relationId(String relation) throws IOException {
        List<String> names = graph.relationNames();
        int r = names.indexOf(relation);
        if (r < 0) {
            throw new UnknownName("relation", "'" + relation + "' is not in the dataset (it has " + names.size()
                    + " relations, e.g. " + names.subList(0, Math.min(5, names.size())) + ")");
        }
        return r;
    }

    private Located locate(String type, String name) throws IOException {
        ImportManifest.EntityTypeInfo info = graph.manifest().entityTypes().stream().filter(t -> t.name().equals(type)).findFirst()
                .orElseThrow(() -> new UnknownName("entityType", "'" + type + "' is not in the dataset (it has "
                        + graph.manifest().entityTypes().stream().map(ImportManifest.EntityTypeInfo::name).toList() + ")"));
        for (int p = 0; p < info.partitions(); p++) {
            int offset = graph.entityNames(type, p).indexOf(name);
            if (offset >= 0) {
                return new Located(type, p, offset);
            }
        }
        throw new UnknownName("entity", "'" + name + "' is not among the " + info.count() + " entities of type '" + type
                + "' (names are matched exactly, as they appear in the edge files; entities seen fewer than graph.minEntityCount"
                + " times in train have no embedding)");
    }
}
