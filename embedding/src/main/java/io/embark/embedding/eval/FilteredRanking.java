package io.embark.embedding.eval;

import io.embark.embedding.kernel.BatchScorer;
import io.embark.embedding.storage.EmbeddingTable;
import io.embark.partitioning.Bucket;
import io.embark.partitioning.EdgeBlock;
import io.embark.partitioning.ImportManifest;
import io.embark.partitioning.ImportedGraph;
import io.embark.partitioning.PartitionAssignment;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Filtered link-prediction ranking: for every edge (l, r, t) of a split, the rank of t among all entities of its type
 * scored as rhs of (l, r, ?) and the rank of l among all entities scored as lhs of (?, r, t), in both cases ignoring
 * candidates that form a known true edge (of the filter splits). Rank = 1 + the number of remaining candidates scored
 * strictly higher. Reports MRR, Hits@1/3/10 and mean rank over both directions.
 *
 * <p>Entities are numbered globally by their rank in {@link PartitionAssignment} (partition p, offset o of a type with
 * P partitions is {@code o * P + p}), so filtering works across partitions. Every partition of the candidate type is
 * scored, so the model's tables must fit in memory.
 */
public final class FilteredRanking {

    /** The metrics of one evaluation. */
    public record Metrics(long rankings, double mrr, double hitsAt1, double hitsAt3, double hitsAt10, double meanRank) {

        @Override
        public String toString() {
            return String.format("MRR %.4f, Hits@1 %.4f, Hits@3 %.4f, Hits@10 %.4f, mean rank %.1f over %,d rankings",
                    mrr, hitsAt1, hitsAt3, hitsAt10, meanRank, rankings);
        }
    }

    private static final int BATCH = 256;

    private final ImportedGraph graph;
    private final TrainedModel model;
    private final Map<String, Integer> partitionsOf = new HashMap<>();
    private final String[] lhsType;
    private final String[] rhsType;

    public FilteredRanking(ImportedGraph graph, TrainedModel model) {
        this.graph = graph;
        this.model = model;
        ImportManifest m = graph.manifest();
        for (ImportManifest.EntityTypeInfo t : m.entityTypes()) {
            partitionsOf.put(t.name(), t.partitions());
        }
        lhsType = new String[m.relations().size()];
        rhsType = new String[m.relations().size()];
        for (ImportManifest.RelationInfo r : m.relations()) {
            lhsType[r.id()] = r.lhsType();
            rhsType[r.id()] = r.rhsType();
        }
    }

    /** Ranks the edges of {@code split} (at most {@code limit} of them), filtering the true edges of {@code filterSplits}. */
    public Metrics evaluate(String split, List<String> filterSplits, long limit) throws IOException {
        Map<Long, Set<Long>> trueRhs = new HashMap<>();
        Map<Long, Set<Long>> trueLhs = new HashMap<>();
        for (String s : filterSplits) {
            if (!graph.hasSplit(s)) {
                continue;
            }
            forEachEdge(s, Long.MAX_VALUE, (r, l, t) -> {
                trueRhs.computeIfAbsent(key(r, l), k -> new HashSet<>()).add(t);
                trueLhs.computeIfAbsent(key(r, t), k -> new HashSet<>()).add(l);
            });
        }
        List<long[]> edges = new ArrayList<>();
        forEachEdge(split, limit, (r, l, t) -> edges.add(new long[] {r, l, t}));

        double rr = 0;
        double rankSum = 0;
        long h1 = 0;
        long h3 = 0;
        long h10 = 0;
        long n = 0;
        for (boolean predictLhs : new boolean[] {false, true}) {
            // group by candidate type so one scorer serves a batch
            Map<String, List<long[]>> byType = new HashMap<>();
            for (long[] e : edges) {
                byType.computeIfAbsent(predictLhs ? lhsType[(int) e[0]] : rhsType[(int) e[0]], k -> new ArrayList<>()).add(e);
            }
            for (Map.Entry<String, List<long[]>> group : byType.entrySet()) {
                String candType = group.getKey();
                int parts = partitionsOf.get(candType);
                List<EmbeddingTable> tables = new ArrayList<>();
                int maxRows = 1;
                for (int p = 0; p < parts; p++) {
                    EmbeddingTable t = model.table(candType, p);
                    tables.add(t);
                    maxRows = Math.max(maxRows, t.rows());
                }
                int d = tables.get(0).dim();
                float[] queries = new float[BATCH * d];
                float[] scores = new float[BATCH * maxRows];
                float[] pos = new float[BATCH];
                long[] greater = new long[BATCH];
                List<long[]> list = group.getValue();
                try (BatchScorer scorer = new BatchScorer(model.comparator(), BATCH, maxRows, d)) {
                    for (int from = 0; from < list.size(); from += BATCH) {
                        int count = Math.min(BATCH, list.size() - from);
                        float[] knownRow = new float[d];
                        for (int i = 0; i < count; i++) {
                            long[] e = list.get(from + i);
                            int r = (int) e[0];
                            long known = predictLhs ? e[2] : e[1];
                            String knownType = predictLhs ? rhsType[r] : lhsType[r];
                            System.arraycopy(embedding(knownType, known), 0, knownRow, 0, d);
                            model.query(r, predictLhs, knownRow, 0, queries, i * d);
                            long target = predictLhs ? e[1] : e[2];
                            pos[i] = model.score(queries, i * d, embedding(candType, target), 0, d);
                            greater[i] = 0;
                        }
                        for (int p = 0; p < parts; p++) {
                            EmbeddingTable t = tables.get(p);
                            scorer.score(queries, count, t, scores);
                            int rows = t.rows();
                            for (int i = 0; i < count; i++) {
                                long[] e = list.get(from + i);
                                long target = predictLhs ? e[1] : e[2];
                                Set<Long> truths = (predictLhs ? trueLhs : trueRhs).get(key((int) e[0], predictLhs ? e[2] : e[1]));
                                float ps = pos[i];
                                int off = i * rows;
                                long g = 0;
                                for (int j = 0; j < rows; j++) {
                                    if (scores[off + j] > ps) {
                                        g++;
                                    }
                                }
                                if (truths != null) {
                                    for (long other : truths) {
                                        if (other != target && PartitionAssignment.partition(other, parts) == p
                                                && scores[off + PartitionAssignment.offset(other, parts)] > ps) {
                                            g--;
                                        }
                                    }
                                }
                                greater[i] += g;
                            }
                        }
                        for (int i = 0; i < count; i++) {
                            long rank = 1 + greater[i];
                            rr += 1.0 / rank;
                            rankSum += rank;
                            h1 += rank <= 1 ? 1 : 0;
                            h3 += rank <= 3 ? 1 : 0;
                            h10 += rank <= 10 ? 1 : 0;
                            n++;
                        }
                    }
                }
            }
        }
        return n == 0 ? new Metrics(0, 0, 0, 0, 0, 0)
                : new Metrics(n, rr / n, (double) h1 / n, (double) h3 / n, (double) h10 / n, rankSum / n);
    }

    private float[] embedding(String type, long global) throws IOException {
        int parts = partitionsOf.get(type);
        EmbeddingTable t = model.table(type, PartitionAssignment.partition(global, parts));
        return t.row(PartitionAssignment.offset(global, parts));
    }

    private static long key(int relation, long entity) {
        return entity * 1_000_003L + relation;
    }

    private interface EdgeVisitor {
        void edge(int relation, long lhsGlobal, long rhsGlobal);
    }

    private void forEachEdge(String split, long limit, EdgeVisitor visitor) throws IOException {
        long seen = 0;
        for (Bucket b : graph.bucketFiles(split).keySet()) {
            EdgeBlock block = graph.readBucket(split, b);
            for (int i = 0; i < block.size() && seen < limit; i++, seen++) {
                int r = block.relation(i);
                int lp = partitionsOf.get(lhsType[r]);
                int rp = partitionsOf.get(rhsType[r]);
                long l = PartitionAssignment.rank(lp == 1 ? 0 : b.lhsPartition(), block.lhs(i), lp);
                long t = PartitionAssignment.rank(rp == 1 ? 0 : b.rhsPartition(), block.rhs(i), rp);
                visitor.edge(r, l, t);
            }
        }
    }
}
