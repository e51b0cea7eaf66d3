package io.embark.jobs.report;

import io.embark.embedding.eval.TrainedModel;
import io.embark.embedding.storage.CheckpointInfo;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.embedding.storage.EpochStats;
import io.embark.jobs.config.JobConfig;
import io.embark.jobs.eval.Checkpoints;
import io.embark.jobs.eval.EvalHistory;
import io.embark.partitioning.AtomicFile;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code report} command: {@code WORKSPACE/checkpoints/report.html}, one self-contained page (inline SVG, no
 * scripts, nothing fetched) with the training curves of the newest checkpoint: loss and edges/s per epoch from its
 * stats, and the MRR of every eval run recorded in {@link EvalHistory} (those comparable with the newest: same split,
 * filtering and candidates), plotted at the evaluated checkpoint's epoch count; then the newest metrics, the epochs
 * and the model's config.
 */
public final class ReportJob {

    private static final Logger LOG = LoggerFactory.getLogger(ReportJob.class);
    public static final String REPORT = "report.html";

    private ReportJob() {
    }

    public static Path run(Configuration conf, JobConfig job) throws IOException {
        CheckpointStore store = Checkpoints.store(conf, job);
        TrainedModel latest = Checkpoints.open(store, Optional.empty(), "report");
        FileSystem fs = store.fileSystem();
        List<Map<String, Object>> evaluated = EvalHistory.read(fs, store.root());
        String html = html(latest.info(), store.stats(latest.version()), evaluated);
        Path out = new Path(store.root(), REPORT);
        AtomicFile.write(fs, out, html);
        LOG.info("report: {} epoch(s), {} eval run(s), written to {}", latest.info().epochs(), evaluated.size(), out);
        return out;
    }

    /**
     * The eval run the report leads with: the newest that ranked the test split against all entities (the figure
     * papers report), else the newest run, which {@link #label} then names for what it is.
     */
    static Map<String, Object> headline(List<Map<String, Object>> history) {
        for (int i = history.size() - 1; i >= 0; i--) {
            Map<String, Object> e = history.get(i);
            if ("test".equals(e.get("split")) && "all".equals(e.get("candidates"))) {
                return e;
            }
        }
        return history.get(history.size() - 1);
    }

    /** What an eval run measured, e.g. {@code test split, filtered, ranked against all entities}. */
    static String label(Map<String, Object> e) {
        return e.get("split") + " split, " + (Boolean.TRUE.equals(e.get("filtered")) ? "filtered" : "raw") + ", ranked against "
                + ("all".equals(e.get("candidates")) ? "all entities" : e.get("candidates") + " candidates");
    }

    /** Runs whose MRR can share a curve: same split, filtering and candidates. */
    private static boolean comparable(Map<String, Object> a, Map<String, Object> b) {
        return Objects.equals(a.get("split"), b.get("split")) && Objects.equals(a.get("filtered"), b.get("filtered"))
                && Objects.equals(a.get("candidates"), b.get("candidates"));
    }

    /** The MRR key of evaluation during training in the newest evaluated epoch ({@code valid_mrr}), or null. */
    static String duringTrainingKey(List<EpochStats> stats) {
        for (int i = stats.size() - 1; i >= 0; i--) {
            for (String k : stats.get(i).metrics().keySet()) {
                if (k.endsWith("_mrr")) {
                    return k;
                }
            }
        }
        return null;
    }

    static String html(CheckpointInfo info, List<EpochStats> stats, List<Map<String, Object>> history) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Embark training report</title>\n")
                .append("<style>body{font-family:sans-serif;margin:24px;max-width:900px}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f3f3}")
                .append("td.k{text-align:left}</style></head><body>\n");
        sb.append("<h1>Embark training report</h1>\n");
        sb.append(String.format("<p>Checkpoint v%08d: %d epoch(s), written %s.</p>%n", info.version(), info.epochs(),
                Html.escape(String.valueOf(info.createdAt()))));
        if (stats.isEmpty()) {
            sb.append("<p>No epoch statistics in this checkpoint.</p>\n");
        } else {
            double[] epochs = new double[stats.size()];
            double[] loss = new double[stats.size()];
            double[] speed = new double[stats.size()];
            for (int i = 0; i < stats.size(); i++) {
                epochs[i] = stats.get(i).epoch();
                loss[i] = stats.get(i).loss();
                speed[i] = stats.get(i).edgesPerSecond();
            }
            sb.append(SvgChart.line("Loss per epoch (mean per edge)", "epoch", "loss", epochs, loss));
            sb.append(SvgChart.line("Training speed", "epoch", "edges / s", epochs, speed));
            String key = duringTrainingKey(stats);
            if (key != null) {
                List<EpochStats> evaluated = stats.stream().filter(s -> s.metrics().containsKey(key)).toList();
                double[] x = new double[evaluated.size()];
                double[] y = new double[evaluated.size()];
                for (int i = 0; i < evaluated.size(); i++) {
                    x[i] = evaluated.get(i).epoch();
                    y[i] = evaluated.get(i).metrics().get(key);
                }
                sb.append(SvgChart.line("MRR during training (" + key.substring(0, key.length() - "_mrr".length())
                        + " split, training.eval.*)", "epoch", "MRR", x, y));
            }
        }
        if (!history.isEmpty()) {
            Map<String, Object> last = headline(history);
            List<Map<String, Object>> same = history.stream().filter(e -> comparable(e, last)).toList();
            double[] x = new double[same.size()];
            double[] mrr = new double[same.size()];
            for (int i = 0; i < same.size(); i++) {
                x[i] = ((Number) same.get(i).get("epochs")).doubleValue();
                mrr[i] = ((Number) same.get(i).get("mrr")).doubleValue();
            }
            String kind = Boolean.TRUE.equals(last.get("filtered")) ? "filtered" : "raw";
            sb.append(SvgChart.line("MRR (" + kind + ", " + last.get("split") + ", " + last.get("candidates") + " candidates) per eval run",
                    "epoch", "MRR", x, mrr));
            sb.append("<h2>Newest metrics: ").append(Html.escape(label(last))).append("</h2>\n<table><tr>");
            List<String> keys = List.of("mrr", "mean_rank", "hits_at_1", "hits_at_3", "hits_at_10", "hits_at_50", "auc", "count");
            sb.append("<th>checkpoint</th>");
            for (String k : keys) {
                sb.append("<th>").append(k).append("</th>");
            }
            sb.append("</tr>\n<tr>").append(String.format("<td>v%08d</td>", ((Number) last.get("checkpoint_version")).intValue()));
            for (String k : keys) {
                Object v = last.get(k);
                sb.append("<td>").append(v instanceof Double d ? String.format("%.4f", d) : Html.escape(String.valueOf(v))).append("</td>");
            }
            sb.append("</tr></table>\n");
        } else {
            sb.append("<p>No checkpoint has been evaluated yet (run <code>embark eval</code> to add its MRR here).</p>\n");
        }
        if (!stats.isEmpty()) {
            String key = duringTrainingKey(stats);
            sb.append("<h2>Epochs</h2>\n<table><tr><th>epoch</th><th>edges</th><th>loss</th><th>seconds</th><th>edges/s</th>")
                    .append(key == null ? "" : "<th>" + Html.escape(key) + "</th>").append("</tr>\n");
            for (EpochStats s : stats) {
                sb.append(String.format("<tr><td>%d</td><td>%,d</td><td>%.5f</td><td>%.1f</td><td>%,.0f</td>",
                        s.epoch(), s.edges(), s.loss(), s.seconds(), s.edgesPerSecond()));
                if (key != null) {
                    Double v = s.metrics().get(key);
                    sb.append(v == null ? "<td></td>" : String.format("<td>%.4f</td>", v));
                }
                sb.append("</tr>\n");
            }
            sb.append("</table>\n");
        }
        sb.append("<h2>Configuration</h2>\n<table>\n");
        for (Map.Entry<String, String> e : new TreeMap<>(info.config()).entrySet()) {
            sb.append("<tr><td class=\"k\">").append(Html.escape(e.getKey())).append("</td><td class=\"k\">")
                    .append(Html.escape(e.getValue())).append("</td></tr>\n");
        }
        return sb.append("</table>\n</body></html>\n").toString();
    }
}
