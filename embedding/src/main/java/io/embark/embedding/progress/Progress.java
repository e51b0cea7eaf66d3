package io.embark.embedding.progress;

import java.util.OptionalDouble;

/**
 * {@code done} of {@code total} units after {@code seconds}: the fraction done, the rate so far and the time left at
 * that rate.
 *
 * <p>Example: 41,200,000 of 97,600,000 edges after 80.5 s: rate 41.2M / 80.5 = 511,801 edges/s, 42% done (42.2,
 * rounded down so that 100% means finished), ETA (97.6M - 41.2M) / 511,801 = 110.2 s, written {@code 1m50s}.
 *
 * @param done    units done (at most {@code total} counts toward the fraction)
 * @param total   units of the whole piece of work
 * @param seconds time since the work started
 */
public record Progress(long done, long total, double seconds) {

    public Progress {
        if (done < 0 || total < 0 || !(seconds >= 0)) {
            throw new IllegalArgumentException("progress: done " + done + ", total " + total + ", seconds " + seconds
                    + " (expected done >= 0, total >= 0, seconds >= 0)");
        }
    }

    /** Units per second so far; 0 before any time has passed. */
    public double rate() {
        return seconds > 0 ? done / seconds : 0;
    }

    /** Whole percent done, rounded down, 0 to 100; 100 for empty work. */
    public int percent() {
        if (total == 0) {
            return 100;
        }
        return (int) Math.min(100, Math.floorDiv(100 * Math.min(done, total), total));
    }

    /** Seconds left at the rate so far; empty while nothing is done (no rate to go by). */
    public OptionalDouble etaSeconds() {
        if (done >= total) {
            return OptionalDouble.of(0);
        }
        double rate = rate();
        return rate > 0 ? OptionalDouble.of((total - done) / rate) : OptionalDouble.empty();
    }

    /** The ETA as a duration ({@code 1m50s}), or {@code unknown} while nothing is done. */
    public String eta() {
        OptionalDouble s = etaSeconds();
        return s.isPresent() ? ProgressFormat.duration(s.getAsDouble()) : "unknown";
    }

    /**
     * The line's account of the work: {@code "41.2M of 97.6M edges of the epoch (42%), 511,801 edges/s, ETA 1m50s for
     * the epoch"} for unit {@code edges} and scope {@code the epoch}; without a scope (empty) the "of"/"for" parts are
     * left out.
     */
    public String describe(String unit, String scope) {
        String of = scope.isEmpty() ? "" : " of " + scope;
        String forWhat = scope.isEmpty() ? "" : " for " + scope;
        return ProgressFormat.count(done) + " of " + ProgressFormat.count(total) + " " + unit + of + " (" + percent() + "%), "
                + ProgressFormat.rate(rate()) + " " + unit + "/s, ETA " + eta() + forWhat;
    }
}
