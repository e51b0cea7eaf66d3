package io.embark.jobs.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.embark.embedding.eval.RankingMetrics;
import io.embark.embedding.eval.RankingTotals;
import io.embark.jobs.config.EvalConfig;
import io.embark.partitioning.ImportManifest;
import io.embark.partitioning.ImportedGraph;
import io.embark.partitioning.Side;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The results of one evaluation as JSON ({@code metrics-SPLIT-CANDIDATES.json}) and as a table. The top-level keys ({@code mrr},
 * {@code mean_rank}, {@code hits_at_1/3/10/50}, {@code auc}, {@code count}) are the filtered metrics over both sides
 * when {@code filtered} is true, else the raw ones; {@code breakdown} holds raw and filtered metrics by side
 * ({@code lhs}: the lhs hidden and ranked) and by relation. Test edges whose entity or relation is unknown to train
 * were left out by import; they are not ranked and are reported as {@code unknown_entity_edges} and
 * {@code unknown_relation_edges}.
 */
final class EvalMetrics {

    private final Map<String, Object> map = new LinkedHashMap<>();
    private final RankingTotals totals;
    private final boolean filtered;
    private final String heading;

    EvalMetrics(ImportedGraph graph, EvalConfig eval, int version, RankingTotals totals, double seconds) throws IOException {
        this.totals = totals;
        this.filtered = !eval.filter().isEmpty();
        RankingMetrics main = totals.overall(filtered);
        put(map, main);
        map.put("filtered", filtered);
        map.put("split", eval.split());
        map.put("filter_splits", List.copyOf(eval.filter()));
        map.put("candidates", eval.candidates().toString());
        map.put("tie_rank", "realistic: 1 + greater + equal / 2");
        map.put("checkpoint_version", version);
        ImportManifest.SplitInfo split = graph.manifest().split(eval.split());
        map.put("ranked_edges", main.count() / 2);
        map.put("unknown_entity_edges", split.unknownEntityEdges());
        map.put("unknown_relation_edges", split.unknownRelationEdges());
        map.put("seconds", seconds);
        Map<String, Object> breakdown = new LinkedHashMap<>();
        List<String> names = graph.relationNames();
        for (boolean f : filtered ? new boolean[] {true, false} : new boolean[] {false}) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("both", put(new LinkedHashMap<>(), totals.overall(f)));
            b.put("lhs", put(new LinkedHashMap<>(), totals.side(f, Side.LHS)));
            b.put("rhs", put(new LinkedHashMap<>(), totals.side(f, Side.RHS)));
            Map<String, Object> rel = new LinkedHashMap<>();
            for (int r = 0; r < totals.relations(); r++) {
                if (totals.relation(f, r).count() > 0) {
                    rel.put(names.get(r), put(new LinkedHashMap<>(), totals.relation(f, r)));
                }
            }
            b.put("relations", rel);
            breakdown.put(f ? "filtered" : "raw", b);
        }
        map.put("breakdown", breakdown);
        heading = String.format("eval %s, checkpoint v%08d, %s candidates%s: %,d edges ranked on both sides in %.1f s",
                eval.split(), version, eval.candidates(), filtered ? ", filtered by " + eval.filter() : ", raw",
                main.count() / 2, seconds)
                + (split.unknownEntityEdges() + split.unknownRelationEdges() > 0
                ? String.format("%n  (%,d %s edges not ranked: entity or relation unknown to train, counted at import)",
                split.unknownEntityEdges() + split.unknownRelationEdges(), eval.split()) : "");
    }

    private static Map<String, Object> put(Map<String, Object> m, RankingMetrics r) {
        m.put("mrr", r.mrr());
        m.put("mean_rank", r.meanRank());
        m.put("hits_at_1", r.hitsAt1());
        m.put("hits_at_3", r.hitsAt3());
        m.put("hits_at_10", r.hitsAt10());
        m.put("hits_at_50", r.hitsAt50());
        m.put("auc", r.auc());
        m.put("query_above", r.queryAbove());
        m.put("mrr_without_query", r.mrrWithoutQuery());
        m.put("count", r.count());
        return m;
    }

    Map<String, Object> asMap() {
        return map;
    }

    String json() {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(map) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The metrics by mode and side, one row each, e.g. {@code filtered  rhs   0.2871 ...}. */
    String table() {
        StringBuilder sb = new StringBuilder(heading).append('\n');
        sb.append(String.format("  %-8s %-5s %8s %8s %8s %8s %8s %10s %8s %11s %10s%n",
                "", "side", "MRR", "Hits@1", "Hits@3", "Hits@10", "Hits@50", "mean rank", "AUC", "query>ans", "rankings"));
        for (boolean f : filtered ? new boolean[] {true, false} : new boolean[] {false}) {
            for (String side : List.of("both", "lhs", "rhs")) {
                RankingMetrics m = side.equals("both") ? totals.overall(f) : totals.side(f, side.equals("lhs") ? Side.LHS : Side.RHS);
                sb.append(String.format("  %-8s %-5s %8.4f %8.4f %8.4f %8.4f %8.4f %10.1f %8.4f %11.4f %,10d%n", f ? "filtered" : "raw",
                        side, m.mrr(), m.hitsAt1(), m.hitsAt3(), m.hitsAt10(), m.hitsAt50(), m.meanRank(), m.auc(), m.queryAbove(),
                        m.count()));
            }
        }
        sb.append("  query>ans: rankings whose query entity scored above the answer; per relation: breakdown.*.relations in the metrics file");
        RankingMetrics main = totals.overall(filtered);
        sb.append(String.format("%n  with the query entity left out of the candidates the %s MRR would be %.4f (%+.4f): the most a fix of "
                + "\"the model answers itself\" could gain", filtered ? "filtered" : "raw", main.mrrWithoutQuery(),
                main.mrrWithoutQuery() - main.mrr()));
        return sb.toString();
    }
}
