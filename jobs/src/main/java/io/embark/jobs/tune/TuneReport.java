package io.embark.jobs.tune;

import io.embark.jobs.report.Html;
import io.embark.jobs.report.SvgChart;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code OUTPUT/report.html} of a search: one self-contained page (inline SVG, no scripts, nothing fetched) with every
 * trial's valid MRR curve on one chart, the best trial's alone, and the table of trials (status, rung reached, MRR,
 * time, values, error).
 */
final class TuneReport {

    private TuneReport() {
    }

    static String html(TrialsFile.Contents c, String output) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Embark tune report</title>\n")
                .append("<style>body{font-family:sans-serif;margin:24px;max-width:1100px}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f3f3}")
                .append("td.k{text-align:left}tr.best{background:#e8f4e8}</style></head><body>\n");
        sb.append("<h1>Embark tune report</h1>\n");
        sb.append(String.format(Locale.ROOT, "<p>Search in <code>%s</code>: %d trial(s), rungs at %s epoch(s), %.0f s so far.</p>%n",
                Html.escape(output), c.trials().size(), c.rungs(), c.elapsedSeconds()));
        if (c.best().isPresent()) {
            Trial best = c.trials().get(c.best().get());
            sb.append(String.format(Locale.ROOT, "<p>Best: trial %d, valid MRR %.4f after %d epochs, with %s "
                            + "(<code>best.conf</code>).</p>%n", best.id(), c.bestResult().orElseThrow().mrr(),
                    c.bestResult().orElseThrow().epochs(), Html.escape(best.params().toString())));
        } else {
            sb.append("<p>No trial has finished a rung yet.</p>\n");
        }
        List<SvgChart.Series> curves = new ArrayList<>();
        for (Trial t : c.trials()) {
            if (!t.curve().isEmpty()) {
                curves.add(series(t));
            }
        }
        if (!curves.isEmpty()) {
            sb.append(SvgChart.lines("Valid MRR of every trial", "epoch", "valid MRR", curves));
        }
        c.best().map(b -> c.trials().get(b)).filter(t -> !t.curve().isEmpty())
                .ifPresent(t -> sb.append(SvgChart.lines("Valid MRR of the best trial (" + t.id() + ")", "epoch", "valid MRR", List.of(series(t)))));
        sb.append("<h2>Trials</h2>\n<table><tr><th>trial</th><th>status</th><th>rung</th><th>epochs</th><th>valid MRR</th>")
                .append("<th>seconds</th><th>values</th><th>error</th></tr>\n");
        for (Trial t : c.trials()) {
            Optional<Trial.RungResult> r = t.results().isEmpty() ? Optional.empty() : Optional.of(t.results().get(t.results().size() - 1));
            sb.append(c.best().equals(Optional.of(t.id())) ? "<tr class=\"best\">" : "<tr>")
                    .append(String.format(Locale.ROOT, "<td>%d</td><td class=\"k\">%s</td><td>%s</td><td>%d</td><td>%s</td><td>%.1f</td>",
                            t.id(), c.statuses().get(t.id()).label(), t.rungReached() < 0 ? "" : Integer.toString(t.rungReached()),
                            r.map(Trial.RungResult::epochs).orElse(0), r.map(x -> String.format(Locale.ROOT, "%.4f", x.mrr())).orElse(""),
                            t.seconds()))
                    .append("<td class=\"k\">").append(Html.escape(t.params().toString())).append("</td><td class=\"k\">")
                    .append(Html.escape(t.error().orElse(""))).append("</td></tr>\n");
        }
        return sb.append("</table>\n</body></html>\n").toString();
    }

    private static SvgChart.Series series(Trial t) {
        double[] x = new double[t.curve().size()];
        double[] y = new double[t.curve().size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = t.curve().get(i).epoch();
            y[i] = t.curve().get(i).mrr();
        }
        return new SvgChart.Series("trial " + t.id(), x, y);
    }
}
