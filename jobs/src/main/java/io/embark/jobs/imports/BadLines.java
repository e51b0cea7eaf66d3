package io.embark.jobs.imports;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/** Small helpers for reporting bad input lines. */
final class BadLines {

    private static final int MAX = 200;

    private BadLines() {
    }

    /** The line as shown in messages: at most 200 characters. */
    static String clip(String line) {
        return line.length() <= MAX ? line : line.substring(0, MAX) + "...";
    }

    /** {@link #clip} as a Spark expression. */
    static Column clipColumn(Column line) {
        return functions.when(functions.length(line).leq(MAX), line)
                .otherwise(functions.concat(functions.substring(line, 1, MAX), functions.lit("...")));
    }
}
