package io.embark.jobs.imports;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/**
 * What an edge weight may be, for text lines and Parquet rows alike: a 32-bit float that is finite, above 0 and at
 * most {@link #MAX} (1e6). A weight multiplies its edge's loss and gradient: 0 trains nothing, a negative weight pushes
 * a true edge apart, and a huge one overflows the float gradients and the Adagrad accumulators of every row it
 * touches (which then never train again). 1e6 leaves room for counts as weights while a row's accumulator, growing by
 * at most about (1e6 * gradient)^2 per update, stays far below float's 3.4e38. Anything else is a bad line under
 * {@code data.onBadLine}.
 */
public final class EdgeWeight {

    /** The largest weight accepted. */
    static final float MAX = 1e6f;
    /** How the messages state the rule. */
    public static final String EXPECTED = "expected a number > 0 and <= 1e6";

    private EdgeWeight() {
    }

    /** What is wrong with weight {@code w} ("is not > 0"), or null when it is fine. */
    static String problem(float w) {
        if (!Float.isFinite(w)) {
            return "is not finite";
        }
        if (!(w > 0f)) {
            return "is not > 0";
        }
        return w > MAX ? "is above 1e6" : null;
    }

    /** {@link #problem} as a Spark expression over a float column; null where the weight is fine or null. */
    public static Column problem(Column w) {
        return functions.when(functions.isnan(w).or(w.equalTo(Float.POSITIVE_INFINITY)).or(w.equalTo(Float.NEGATIVE_INFINITY)),
                        functions.lit("is not finite"))
                .when(w.leq(0f), functions.lit("is not > 0"))
                .when(w.gt(MAX), functions.lit("is above 1e6"));
    }
}
