package io.embark.jobs.imports;

/** Small helpers for reporting bad input lines. */
final class BadLines {

    private BadLines() {
    }

    /** The line as shown in messages: at most 200 characters. */
    static String clip(String line) {
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
    }
}
