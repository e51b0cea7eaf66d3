package io.embark.embedding.eval;

import io.embark.embedding.kernel.BatchScorer;
import io.embark.embedding.model.Comparator;
import io.embark.embedding.storage.EmbeddingTable;
import io.embark.partitioning.Bucket;
import io.embark.partitioning.ImportedGraph;
import io.embark.partitioning.PartitionAssignment;
import io.embark.partitioning.Side;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;

/**
 * Ranks the edges of one {@link EvalSlice}: for each edge (l, r, t), the rank of t among the candidates scored as rhs of
 * (l, r, ?) and the rank of l among the candidates scored as lhs of (?, r, t), raw and (when filter splits are given)
 * filtered, with the realistic rank of {@link RankingMetrics}. What one Spark task of the eval stage runs; plain Java.
 *
 * <p>Exact ranking ({@link Candidates.All}) scores a batch of queries against every partition of the candidate type
 * with one sgemm per partition ({@link BatchScorer}); the positive's score is read from the same product, so ties
 * between the positive and other candidates are exact. Sampled ranking scores the drawn candidates and the positive
 * with one Java dot product per pair.
 */
public final class RankingTask {

    /** Score matrices of a batch hold at most this many floats per candidate type (the batch shrinks to fit). */
    private static final int MAX_BATCH_SCORES = 1 << 23;
    private static final int MAX_BATCH = 256;

    private final ImportedGraph graph;
    private final TrainedModel model;
    private final RankingOptions options;
    private final GlobalIds ids;

    public RankingTask(ImportedGraph graph, TrainedModel model, RankingOptions options) {
        this.graph = graph;
        this.model = model;
        this.options = options;
        this.ids = new GlobalIds(graph.manifest());
    }

    /** Ranks both sides of every edge of the slice. */
    public RankingTotals rank(EvalSlice slice) throws IOException {
        return rank(slice, n -> { });
    }

    /**
     * Ranks both sides of every edge of the slice, telling {@code ranked} how many rankings (one per edge and side)
     * are done after each batch of them, for progress reports.
     */
    public RankingTotals rank(EvalSlice slice, LongConsumer ranked) throws IOException {
        SliceEdges edges = SliceEdges.read(graph, ids, options.split(), slice);
        TrueEdges truths = options.filtered()
                ? TrueEdges.load(graph, ids, options.filterSplits(), slice.bucket(), edges)
                : TrueEdges.none();
        RankingTotals totals = new RankingTotals(ids.relations());
        for (Side predicted : Side.values()) {
            Map<String, List<Integer>> byType = new LinkedHashMap<>();
            for (int i = 0; i < edges.size(); i++) {
                byType.computeIfAbsent(ids.type(edges.relation(i), predicted), k -> new ArrayList<>()).add(i);
            }
            for (Map.Entry<String, List<Integer>> group : byType.entrySet()) {
                if (options.candidates() instanceof Candidates.Sampled sampled) {
                    rankSampled(edges, group.getValue(), group.getKey(), predicted, truths, sampled, totals, ranked);
                } else {
                    rankExact(edges, group.getValue(), group.getKey(), predicted, truths, totals, ranked);
                }
            }
        }
        return totals;
    }

    /** The query vector of edge i for predicting side {@code predicted}: the operator applied to the known side. */
    private void query(SliceEdges edges, int i, Side predicted, float[] out, int outOff) throws IOException {
        int r = edges.relation(i);
        Side known = predicted.other();
        String type = ids.type(r, known);
        int parts = ids.partitions(type);
        long id = edges.entity(known, i);
        EmbeddingTable t = model.table(type, PartitionAssignment.partition(id, parts));
        int offset = PartitionAssignment.offset(id, parts);
        model.query(r, predicted, t.data(offset), t.dataOffset(offset), out, outOff);
    }

    private void rankExact(SliceEdges edges, List<Integer> group, String type, Side predicted, TrueEdges truths,
                           RankingTotals totals, LongConsumer ranked) throws IOException {
        int parts = ids.partitions(type);
        EmbeddingTable[] tables = new EmbeddingTable[parts];
        long entities = 0;
        for (int p = 0; p < parts; p++) {
            tables[p] = model.table(type, p);
            entities += tables[p].rows();
        }
        int d = tables[0].dim();
        int batch = (int) Math.max(1, Math.min(MAX_BATCH, MAX_BATCH_SCORES / Math.max(1, entities)));
        float[] queries = new float[batch * d];
        float[][] scores = new float[parts][];
        BatchScorer[] scorers = new BatchScorer[parts];
        try {
            for (int p = 0; p < parts; p++) {
                scores[p] = new float[batch * Math.max(1, tables[p].rows())];
                scorers[p] = new BatchScorer(model.comparator(), batch, Math.max(1, tables[p].rows()), d);
            }
            for (int from = 0; from < group.size(); from += batch) {
                int count = Math.min(batch, group.size() - from);
                for (int q = 0; q < count; q++) {
                    query(edges, group.get(from + q), predicted, queries, q * d);
                }
                for (int p = 0; p < parts; p++) {
                    if (tables[p].rows() > 0) {
                        scorers[p].score(queries, count, tables[p], scores[p]);
                    }
                }
                for (int q = 0; q < count; q++) {
                    rankOne(edges, group.get(from + q), predicted, truths, new BatchScores(scores, tables, q), entities, totals);
                }
                ranked.accept(count);
            }
        } finally {
            for (BatchScorer s : scorers) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    /** Row q of a batch's score matrices, one per partition of the candidate type: the scores of one query. */
    private record BatchScores(float[][] scores, EmbeddingTable[] tables, int q) {

        float of(long entity) {
            int parts = tables.length;
            int p = PartitionAssignment.partition(entity, parts);
            return scores[p][q * tables[p].rows() + PartitionAssignment.offset(entity, parts)];
        }
    }

    /** Ranks the hidden side of edge i among all {@code entities} candidates, raw and (if asked) filtered. */
    private void rankOne(SliceEdges edges, int i, Side predicted, TrueEdges truths, BatchScores row, long entities,
                         RankingTotals totals) {
        int r = edges.relation(i);
        long target = edges.entity(predicted, i);
        float pos = row.of(target);
        long greater = 0;
        long equal = 0;
        for (int p = 0; p < row.tables().length; p++) {
            int rows = row.tables()[p].rows();
            float[] s = row.scores()[p];
            for (int j = row.q() * rows, end = j + rows; j < end; j++) {
                if (s[j] > pos) {
                    greater++;
                } else if (s[j] == pos) {
                    equal++;
                }
            }
        }
        equal--; // the positive itself
        long negatives = entities - 1;
        long self = queryEntity(edges, i, predicted);
        boolean selfCandidate = self >= 0 && self != target;
        float selfScore = selfCandidate ? row.of(self) : Float.NEGATIVE_INFINITY;
        boolean selfAbove = selfScore > pos;
        int selfGreater = selfAbove ? 1 : 0;
        int selfEqual = selfCandidate && selfScore == pos ? 1 : 0;
        totals.add(false, predicted, r, RankingMetrics.realisticRank(greater, equal),
                RankingMetrics.realisticRank(greater - selfGreater, equal - selfEqual), negatives, selfAbove);
        if (!options.filtered()) {
            return;
        }
        Set<Long> known = truths.truths(predicted, r, edges.entity(predicted.other(), i));
        for (long other : known) {
            if (other == target) {
                continue;
            }
            float s = row.of(other);
            if (s > pos) {
                greater--;
            } else if (s == pos) {
                equal--;
            }
            negatives--;
        }
        boolean selfFiltered = known.contains(self);
        totals.add(true, predicted, r, RankingMetrics.realisticRank(greater, equal), selfFiltered
                        ? RankingMetrics.realisticRank(greater, equal)
                        : RankingMetrics.realisticRank(greater - selfGreater, equal - selfEqual), negatives,
                selfAbove && !selfFiltered);
    }

    /**
     * The query's own entity (the known side of edge i) when it is also a candidate for the predicted side (both sides
     * of the relation have one entity type), else -1.
     */
    private long queryEntity(SliceEdges edges, int i, Side predicted) {
        int r = edges.relation(i);
        Side known = predicted.other();
        return ids.type(r, known).equals(ids.type(r, predicted)) ? edges.entity(known, i) : -1;
    }

    private void rankSampled(SliceEdges edges, List<Integer> group, String type, Side predicted, TrueEdges truths,
                             Candidates.Sampled sampled, RankingTotals totals, LongConsumer ranked) throws IOException {
        int parts = ids.partitions(type);
        float[] query = new float[model.table(type, 0).dim()];
        for (int i : group) {
            int r = edges.relation(i);
            long target = edges.entity(predicted, i);
            int tp = PartitionAssignment.partition(target, parts);
            int targetOffset = PartitionAssignment.offset(target, parts);
            EmbeddingTable t = model.table(type, tp);
            query(edges, i, predicted, query, 0);
            float pos = pairScore(query, t, targetOffset);
            Set<Long> known = options.filtered() ? truths.truths(predicted, r, edges.entity(predicted.other(), i)) : Set.of();
            long self = queryEntity(edges, i, predicted);
            boolean selfAbove = false;
            if (self >= 0 && self != target) {
                int sp = PartitionAssignment.partition(self, parts);
                selfAbove = pairScore(query, model.table(type, sp), PartitionAssignment.offset(self, parts)) > pos;
            }
            // [0..2]: candidates above, tied with and below the positive; [3..5]: the same for the draws of the query's
            // own entity, left out of the rank without it
            long[] raw = new long[6];
            long[] filtered = new long[6];
            for (int offset : draws(sampled, edges.bucket(), edges.indexInBucket(i), predicted, t.rows())) {
                if (offset == targetOffset) {
                    continue;
                }
                float s = pairScore(query, t, offset);
                long candidate = PartitionAssignment.rank(tp, offset, parts);
                int c = (s > pos ? 0 : s == pos ? 1 : 2) + (candidate == self ? 3 : 0);
                raw[c]++;
                if (!known.contains(candidate)) {
                    filtered[c]++;
                }
            }
            totals.add(false, predicted, r, RankingMetrics.realisticRank(raw[0] + raw[3], raw[1] + raw[4]),
                    RankingMetrics.realisticRank(raw[0], raw[1]), raw[0] + raw[1] + raw[2] + raw[3] + raw[4] + raw[5], selfAbove);
            if (options.filtered()) {
                totals.add(true, predicted, r, RankingMetrics.realisticRank(filtered[0] + filtered[3], filtered[1] + filtered[4]),
                        RankingMetrics.realisticRank(filtered[0], filtered[1]),
                        filtered[0] + filtered[1] + filtered[2] + filtered[3] + filtered[4] + filtered[5],
                        selfAbove && !known.contains(self));
            }
            ranked.accept(1);
        }
    }

    /**
     * The candidate offsets drawn for the edge at {@code indexInBucket} of {@code bucket} when predicting
     * {@code predicted}: {@code perEdge} uniform draws from {@code [0, rows)}, seeded by the seed, the bucket, the
     * edge's index in it and the side.
     */
    static int[] draws(Candidates.Sampled sampled, Bucket bucket, int indexInBucket, Side predicted, int rows) {
        long s = sampled.seed();
        s = mix(s ^ (((long) bucket.lhsPartition() << 32) | bucket.rhsPartition()));
        s = mix(s ^ indexInBucket);
        s = mix(s ^ predicted.ordinal());
        SplittableRandom random = new SplittableRandom(s);
        int[] out = new int[sampled.perEdge()];
        for (int k = 0; k < out.length; k++) {
            out[k] = random.nextInt(rows);
        }
        return out;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** The comparator's score of {@code query} against row {@code offset} of {@code t}, in plain Java. */
    private float pairScore(float[] query, EmbeddingTable t, int offset) {
        Comparator cmp = model.comparator();
        float[] c = t.data(offset);
        int d = t.dim();
        int base = t.dataOffset(offset);
        float dot = 0f;
        float qq = 0f;
        float cc = 0f;
        for (int k = 0; k < d; k++) {
            dot += query[k] * c[base + k];
            qq += query[k] * query[k];
            cc += c[base + k] * c[base + k];
        }
        if (cmp.normalizes()) {
            return (float) (dot / (Math.max(Math.sqrt(qq), 1e-12) * Math.max(Math.sqrt(cc), 1e-12)));
        }
        return cmp.score(dot, qq, cc);
    }
}
