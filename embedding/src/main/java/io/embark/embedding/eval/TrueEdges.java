package io.embark.embedding.eval;

import io.embark.partitioning.Bucket;
import io.embark.partitioning.EdgeBlock;
import io.embark.partitioning.ImportedGraph;
import io.embark.partitioning.Side;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The known true edges that filtered metrics remove from the candidates, restricted to what one slice asks about: for
 * the rhs of (l, r, ?) every t with (l, r, t) in a filter split, for the lhs of (?, r, t) every such l.
 *
 * <p>Only the buckets that can hold such edges are read: an edge sharing l with a slice of bucket (i, j) lies in
 * bucket row i, one sharing t in column j (the bucket index on each side is a function of that side's entity). With
 * P partitions that is 2P - 1 of the P x P buckets of each filter split.
 */
final class TrueEdges {

    /**
     * A (relation, known entity) pair. A record rather than one packed long: {@code entity * relations + relation}
     * wraps past 2^63 (a million relations and entity ids past 2^43), and two wrapped keys would share their truths.
     */
    private record Key(int relation, long entity) {
    }

    private final Map<Key, Set<Long>> trueRhs = new HashMap<>();
    private final Map<Key, Set<Long>> trueLhs = new HashMap<>();

    private TrueEdges() {
    }

    private static Key key(int relation, long entity) {
        return new Key(relation, entity);
    }

    /** No filtering: every query answers an empty set. */
    static TrueEdges none() {
        return new TrueEdges();
    }

    /**
     * Loads the true edges of {@code filterSplits} (those the dataset has) that share (lhs, relation) or
     * (relation, rhs) with one of the slice's edges.
     */
    static TrueEdges load(ImportedGraph graph, GlobalIds ids, List<String> filterSplits, Bucket slice,
                          SliceEdges edges) throws IOException {
        TrueEdges t = new TrueEdges();
        for (int i = 0; i < edges.size(); i++) {
            t.trueRhs.put(key(edges.relation(i), edges.lhs(i)), new HashSet<>());
            t.trueLhs.put(key(edges.relation(i), edges.rhs(i)), new HashSet<>());
        }
        // a delta dataset's base holds known edges too, over the same entity ids (ImportedGraph.edgeSources)
        for (ImportedGraph source : graph.edgeSources()) {
            t.add(source, ids, filterSplits, slice);
        }
        return t;
    }

    private void add(ImportedGraph graph, GlobalIds ids, List<String> filterSplits, Bucket slice) throws IOException {
        TrueEdges t = this;
        for (String split : filterSplits) {
            if (!graph.hasSplit(split)) {
                continue;
            }
            for (Bucket b : graph.nonEmptyBuckets(split)) {
                if (b.lhsPartition() != slice.lhsPartition() && b.rhsPartition() != slice.rhsPartition()) {
                    continue;
                }
                EdgeBlock block = graph.readBucket(split, b);
                for (int i = 0; i < block.size(); i++) {
                    int r = block.relation(i);
                    long l = ids.global(r, Side.LHS, b, block.lhs(i));
                    long rhs = ids.global(r, Side.RHS, b, block.rhs(i));
                    Set<Long> tails = t.trueRhs.get(key(r, l));
                    if (tails != null) {
                        tails.add(rhs);
                    }
                    Set<Long> heads = t.trueLhs.get(key(r, rhs));
                    if (heads != null) {
                        heads.add(l);
                    }
                }
            }
        }
    }

    /** The known entities on side {@code predicted} of edges with relation r whose other side is {@code known}. */
    Set<Long> truths(Side predicted, int relation, long known) {
        Set<Long> s = (predicted == Side.RHS ? trueRhs : trueLhs).get(key(relation, known));
        return s == null ? Set.of() : s;
    }
}
