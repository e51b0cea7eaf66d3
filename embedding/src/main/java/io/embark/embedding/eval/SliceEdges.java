package io.embark.embedding.eval;

import io.embark.partitioning.Bucket;
import io.embark.partitioning.EdgeBlock;
import io.embark.partitioning.ImportedGraph;
import io.embark.partitioning.Side;
import java.io.IOException;

/** The edges of one {@link EvalSlice}, with global entity ids and each edge's index inside its bucket. */
final class SliceEdges {

    private final EvalSlice slice;
    private final int[] relation;
    private final long[] lhs;
    private final long[] rhs;

    private SliceEdges(EvalSlice slice, int[] relation, long[] lhs, long[] rhs) {
        this.slice = slice;
        this.relation = relation;
        this.lhs = lhs;
        this.rhs = rhs;
    }

    static SliceEdges read(ImportedGraph graph, GlobalIds ids, String split, EvalSlice slice) throws IOException {
        EdgeBlock block = graph.readBucket(split, slice.bucket());
        if (slice.to() > block.size()) {
            throw new IOException("slice " + slice + " of split " + split + " exceeds the bucket's " + block.size() + " edges");
        }
        int n = slice.size();
        int[] rel = new int[n];
        long[] l = new long[n];
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            int e = slice.from() + i;
            rel[i] = block.relation(e);
            l[i] = ids.global(rel[i], Side.LHS, slice.bucket(), block.lhs(e));
            t[i] = ids.global(rel[i], Side.RHS, slice.bucket(), block.rhs(e));
        }
        return new SliceEdges(slice, rel, l, t);
    }

    int size() {
        return relation.length;
    }

    int relation(int i) {
        return relation[i];
    }

    long lhs(int i) {
        return lhs[i];
    }

    long rhs(int i) {
        return rhs[i];
    }

    long entity(Side side, int i) {
        return side == Side.LHS ? lhs[i] : rhs[i];
    }

    /** The edge's index inside its bucket (what seeds its sampled candidates). */
    int indexInBucket(int i) {
        return slice.from() + i;
    }

    Bucket bucket() {
        return slice.bucket();
    }
}
