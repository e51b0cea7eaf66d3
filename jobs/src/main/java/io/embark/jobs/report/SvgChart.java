package io.embark.jobs.report;

import java.util.Locale;

/**
 * A line chart as inline SVG (no scripts, no network): a polyline with a dot per point, axes with about five rounded
 * ticks each. Example: {@code SvgChart.line("loss per epoch", "epoch", "loss", new double[] {1, 2, 3},
 * new double[] {0.9, 0.5, 0.4})} gives a 640 x 300 chart whose y axis runs from 0.4 to 0.9. {@link #lines} draws
 * several series on shared axes, each in its own colour, named in a legend.
 */
public final class SvgChart {

    /** One line of a chart: its name (the legend's) and its points. */
    public record Series(String name, double[] xs, double[] ys) {
    }

    private static final String[] COLOURS = {"#1f6fb2", "#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"};

    private static final int W = 640;
    private static final int H = 300;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 30;
    private static final int BOTTOM = 45;

    private SvgChart() {
    }

    static String line(String title, String xLabel, String yLabel, double[] xs, double[] ys) {
        return lines(title, xLabel, yLabel, java.util.List.of(new Series("", xs, ys)));
    }

    /** Several series on shared axes; a legend under the title names them when there are several. */
    public static String lines(String title, String xLabel, String yLabel, java.util.List<Series> series) {
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            xMin = Math.min(xMin, min(s.xs()));
            xMax = Math.max(xMax, max(s.xs()));
            yMin = Math.min(yMin, min(s.ys()));
            yMax = Math.max(yMax, max(s.ys()));
        }
        if (xMax == xMin) {
            xMin -= 1;
            xMax += 1;
        }
        if (yMax == yMin) {
            double pad = yMax == 0 ? 1 : Math.abs(yMax) * 0.1;
            yMin -= pad;
            yMax += pad;
        }
        double fxMin = xMin;
        double fxMax = xMax;
        double fyMin = yMin;
        double fyMax = yMax;
        java.util.function.DoubleUnaryOperator px = x -> LEFT + (x - fxMin) / (fxMax - fxMin) * (W - LEFT - RIGHT);
        java.util.function.DoubleUnaryOperator py = y -> H - BOTTOM - (y - fyMin) / (fyMax - fyMin) * (H - TOP - BOTTOM);
        StringBuilder sb = new StringBuilder();
        sb.append(f("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">%n", W, H, W, H));
        sb.append(f("<text x=\"%d\" y=\"18\" font-size=\"14\" font-weight=\"bold\">%s</text>%n", LEFT, Html.escape(title)));
        sb.append(f("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>%n", LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM));
        sb.append(f("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>%n", LEFT, TOP, LEFT, H - BOTTOM));
        for (double t : ticks(xMin, xMax)) {
            double x = px.applyAsDouble(t);
            sb.append(f("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#444\"/>", x, H - BOTTOM, x, H - BOTTOM + 5));
            sb.append(f("<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>%n", x, H - BOTTOM + 18, label(t)));
        }
        for (double t : ticks(yMin, yMax)) {
            double y = py.applyAsDouble(t);
            sb.append(f("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>", LEFT, y, W - RIGHT, y));
            sb.append(f("<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>%n", LEFT - 6, y + 4, label(t)));
        }
        sb.append(f("<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%s</text>%n", (LEFT + W - RIGHT) / 2, H - 8, Html.escape(xLabel)));
        sb.append(f("<text x=\"14\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 14 %d)\">%s</text>%n",
                (TOP + H - BOTTOM) / 2, (TOP + H - BOTTOM) / 2, Html.escape(yLabel)));
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            String colour = COLOURS[k % COLOURS.length];
            double[] xs = s.xs();
            double[] ys = s.ys();
            String name = s.name().isEmpty() ? "" : Html.escape(s.name()) + ", ";
            if (series.size() > 1) {
                sb.append(f("<text x=\"%d\" y=\"%d\" font-size=\"10\" fill=\"%s\">%s</text>%n", W - RIGHT - 150, TOP + 12 * k,
                        colour, Html.escape(s.name())));
            }
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < xs.length; i++) {
                points.append(f("%.1f,%.1f ", px.applyAsDouble(xs[i]), py.applyAsDouble(ys[i])));
            }
            sb.append(f("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n", colour, points.toString().trim()));
            for (int i = 0; i < xs.length; i++) {
                sb.append(f("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s%s: %s</title></circle>%n",
                        px.applyAsDouble(xs[i]), py.applyAsDouble(ys[i]), colour, name, label(xs[i]), f("%.5g", ys[i])));
            }
        }
        return sb.append("</svg>\n").toString();
    }

    /** About five round tick values covering [lo, hi]. */
    static double[] ticks(double lo, double hi) {
        double raw = (hi - lo) / 5;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = mag;
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * mag >= raw) {
                step = m * mag;
                break;
            }
        }
        double first = Math.ceil(lo / step - 1e-9) * step;
        int n = (int) Math.floor((hi - first) / step + 1e-9) + 1;
        double[] out = new double[Math.max(0, n)];
        for (int i = 0; i < out.length; i++) {
            out[i] = first + i * step;
        }
        return out;
    }

    private static String label(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        return f("%.4g", v);
    }

    private static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) {
            m = Math.min(m, x);
        }
        return m;
    }

    private static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            m = Math.max(m, x);
        }
        return m;
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
