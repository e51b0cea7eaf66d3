package io.embark.embedding.eval;

import io.embark.embedding.storage.CheckpointStore;
import io.embark.embedding.train.EpochEvaluator;
import io.embark.partitioning.ImportedGraph;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Evaluation during training in this process: after every {@code every}-th epoch (and the last), ranks both sides of
 * the first {@code limit} edges of a split (normally valid) with the checkpoint just committed, as {@link LinkPrediction}
 * does, and returns {@link #metrics}. The Spark jobs rank the same way over executors (see the jobs module).
 */
public final class EpochValidation implements EpochEvaluator {

    private final ImportedGraph graph;
    private final RankingOptions options;
    private final long limit;
    private final int every;
    private final int lastEpoch;

    /**
     * @param every     evaluate after epochs every, 2 every, ... (at least 1)
     * @param lastEpoch the run's final epoch, always evaluated
     */
    public EpochValidation(ImportedGraph graph, RankingOptions options, long limit, int every, int lastEpoch) {
        if (every < 1) {
            throw new IllegalArgumentException("every: " + every + " (expected at least 1)");
        }
        if (!graph.hasSplit(options.split())) {
            throw new IllegalArgumentException("the dataset has no split '" + options.split() + "' (it has "
                    + graph.manifest().splits().keySet() + ")");
        }
        this.graph = graph;
        this.options = options;
        this.limit = limit;
        this.every = every;
        this.lastEpoch = lastEpoch;
    }

    /** Whether epoch {@code version} is one to evaluate. */
    public static boolean due(int version, int every, int lastEpoch) {
        return version % every == 0 || version == lastEpoch;
    }

    @Override
    public Map<String, Double> afterEpoch(int version, CheckpointStore store) throws IOException {
        if (!due(version, every, lastEpoch)) {
            return Map.of();
        }
        long start = System.nanoTime();
        RankingTotals totals = new LinkPrediction(graph, TrainedModel.version(store, version)).rank(options, limit);
        return metrics(options, totals, (System.nanoTime() - start) / 1e9);
    }

    /**
     * The metrics recorded per epoch, keys prefixed with the split: {@code valid_mrr}, {@code valid_hits_at_1},
     * {@code valid_hits_at_10}, {@code valid_mean_rank}, {@code valid_query_above} ({@link RankingMetrics#queryAbove}),
     * {@code valid_count} (rankings, both sides), and {@code valid_seconds}; filtered when the options filter, raw
     * otherwise.
     */
    public static Map<String, Double> metrics(RankingOptions options, RankingTotals totals, double seconds) {
        RankingMetrics m = totals.overall(options.filtered());
        String p = options.split() + "_";
        Map<String, Double> out = new LinkedHashMap<>();
        out.put(p + "mrr", m.mrr());
        out.put(p + "hits_at_1", m.hitsAt1());
        out.put(p + "hits_at_10", m.hitsAt10());
        out.put(p + "mean_rank", m.meanRank());
        out.put(p + "query_above", m.queryAbove());
        out.put(p + "count", (double) m.count());
        out.put(p + "seconds", Math.round(seconds * 10) / 10.0);
        return out;
    }
}
