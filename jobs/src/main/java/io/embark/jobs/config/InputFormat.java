package io.embark.jobs.config;

/** How edge files are encoded. */
public enum InputFormat {
    /** Delimited text, tab by default. */
    TSV,
    /** Delimited text, comma by default; fields may be double-quoted. */
    CSV,
    /** Apache Parquet; columns are chosen by name. */
    PARQUET
}
