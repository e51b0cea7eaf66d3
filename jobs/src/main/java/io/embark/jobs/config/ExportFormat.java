package io.embark.jobs.config;

/** What {@code embark export} writes. */
public enum ExportFormat {
    /** Apache Parquet: one row per entity (type, name, partition, offset, vector as array&lt;float&gt;). */
    PARQUET,
    /** Tab-separated text: the entity's name, then the vector's values. */
    TSV
}
