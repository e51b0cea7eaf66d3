package io.embark.embedding.eval;

import io.embark.partitioning.Bucket;
import io.embark.partitioning.ImportedGraph;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The unit of work of one ranking task: the edges {@code [from, to)} of one bucket of the evaluated split, in the
 * order the bucket's files hold them.
 *
 * <p>Example: a split with buckets (0, 0) of 5 edges and (0, 1) of 3 edges, planned into 3 pieces (slice size
 * ceil(8 / 3) = 3), gives (0,0)[0,3), (0,0)[3,5), (0,1)[0,3). With a limit of 6 edges (the first 6 in bucket order)
 * the slice size is 2: (0,0)[0,2), (0,0)[2,4), (0,0)[4,5), (0,1)[0,1).
 */
public record EvalSlice(Bucket bucket, int from, int to) {

    public EvalSlice {
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") of bucket " + bucket);
        }
    }

    public int size() {
        return to - from;
    }

    /**
     * Splits the first {@code limit} edges of {@code split} (in bucket order) into slices of at most
     * {@code ceil(edges / pieces)} edges, never across buckets.
     */
    public static List<EvalSlice> plan(ImportedGraph graph, String split, long limit, int pieces) throws IOException {
        Map<Bucket, Long> counts = new java.util.TreeMap<>();
        long total = 0;
        for (Bucket b : graph.nonEmptyBuckets(split)) {
            long n = Math.min(graph.bucketEdges(split, b), limit - total);
            if (n > 0) {
                counts.put(b, n);
                total += n;
            }
        }
        long size = Math.max(1, (total + Math.max(1, pieces) - 1) / Math.max(1, pieces));
        List<EvalSlice> slices = new ArrayList<>();
        for (Map.Entry<Bucket, Long> e : counts.entrySet()) {
            for (long from = 0; from < e.getValue(); from += size) {
                slices.add(new EvalSlice(e.getKey(), (int) from, (int) Math.min(e.getValue(), from + size)));
            }
        }
        return slices;
    }
}
