package io.embark.embedding.progress;

import java.util.Locale;

/** How progress lines write counts, rates and durations: short enough to read at a glance in a log line. */
public final class ProgressFormat {

    private ProgressFormat() {
    }

    /**
     * A count: exact with thousands separators below 10,000, otherwise three significant figures or more with a
     * suffix: {@code 9,999}, {@code 12.3k}, {@code 41.2M}, {@code 1.46B}.
     */
    public static String count(long n) {
        long a = Math.abs(n);
        if (a < 10_000) {
            return String.format(Locale.ROOT, "%,d", n);
        }
        if (a < 1_000_000) {
            return String.format(Locale.ROOT, "%.1fk", n / 1e3);
        }
        if (a < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.1fM", n / 1e6);
        }
        return String.format(Locale.ROOT, a < 10_000_000_000L ? "%.2fB" : "%.1fB", n / 1e9);
    }

    /** A rate per second, whole units with thousands separators: {@code 512,437}. */
    public static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%,.0f", perSecond);
    }

    /** A duration, rounded to the second: {@code 0m07s}, {@code 1m50s}; from an hour on, minutes: {@code 2h05m}. */
    public static String duration(double seconds) {
        long s = Math.round(Math.max(0, seconds));
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
