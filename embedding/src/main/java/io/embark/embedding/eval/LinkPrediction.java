package io.embark.embedding.eval;

import io.embark.partitioning.ImportedGraph;
import java.io.IOException;
import java.util.List;

/**
 * Link-prediction evaluation of a checkpoint in one process: every {@link EvalSlice} of the split ranked in turn by a
 * {@link RankingTask}, the totals merged. The eval stage runs the same tasks spread over Spark executors; this entry
 * point serves tests, benchmarks and evaluation during training.
 *
 * <pre>
 *   RankingTotals t = new LinkPrediction(graph, model).rank(
 *           new RankingOptions("test", List.of("train", "valid", "test"), new Candidates.All()), Long.MAX_VALUE);
 *   t.overall(true).mrr();                 // filtered MRR, both sides
 *   t.side(false, Side.RHS).hitsAt10();    // raw Hits@10 of tail prediction
 * </pre>
 */
public final class LinkPrediction {

    private final ImportedGraph graph;
    private final TrainedModel model;

    public LinkPrediction(ImportedGraph graph, TrainedModel model) {
        this.graph = graph;
        this.model = model;
    }

    /** Ranks both sides of the first {@code limit} edges of the split. */
    public RankingTotals rank(RankingOptions options, long limit) throws IOException {
        RankingTask task = new RankingTask(graph, model, options);
        RankingTotals totals = new RankingTotals(graph.manifest().relations().size());
        for (EvalSlice slice : EvalSlice.plan(graph, options.split(), limit, 1)) {
            totals.merge(task.rank(slice));
        }
        return totals;
    }

    /** Filtered metrics of exact ranking (all entities), both sides together. */
    public RankingMetrics filtered(String split, List<String> filterSplits, long limit) throws IOException {
        return rank(new RankingOptions(split, filterSplits, new Candidates.All()), limit).overall(true);
    }
}
