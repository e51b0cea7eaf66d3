package io.embark.jobs.config;

/** What import does with an input line it cannot use. */
public enum BadLinePolicy {
    /** Stop with an error naming the file, line and problem. */
    FAIL,
    /** Skip the line; the count and a sample are reported and stored in the manifest. */
    SKIP
}
