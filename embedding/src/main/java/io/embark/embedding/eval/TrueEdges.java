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

    private final int relations;
    private final Map<Long, Set<Long>> trueRhs = new HashMap<>();
    private final Map<Long, Set<Long>> trueLhs = new HashMap<>();

    private TrueEdges(int relations) {
        this.relations = relations;
    }

    private long key(int relation, long entity) {
        return entity * relations + relation;
    }

    /** No filtering: every query answers an empty set. */
    static TrueEdges none(int relations) {
        return new TrueEdges(relations);
    }

    /**
     * Loads the true edges of {@code filterSplits} (those the dataset has) that share (lhs, relation) or
     * (relation, rhs) with one of the slice's edges.
     */
    static TrueEdges load(ImportedGraph graph, GlobalIds ids, List<String> filterSplits, Bucket slice,
                          SliceEdges edges) throws IOException {
        TrueEdges t = new TrueEdges(ids.relations());
        for (int i = 0; i < edges.size(); i++) {
            t.trueRhs.put(t.key(edges.relation(i), edges.lhs(i)), new HashSet<>());
            t.trueLhs.put(t.key(edges.relation(i), edges.rhs(i)), new HashSet<>());
        }
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
                    Set<Long> tails = t.trueRhs.get(t.key(r, l));
                    if (tails != null) {
                        tails.add(rhs);
                    }
                    Set<Long> heads = t.trueLhs.get(t.key(r, rhs));
                    if (heads != null) {
                        heads.add(l);
                    }
                }
            }
        }
        return t;
    }

    /** The known entities on side {@code predicted} of edges with relation r whose other side is {@code known}. */
    Set<Long> truths(Side predicted, int relation, long known) {
        Set<Long> s = (predicted == Side.RHS ? trueRhs : trueLhs).get(key(relation, known));
        return s == null ? Set.of() : s;
    }
}
