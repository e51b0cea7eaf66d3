/**
 * Handing trained embeddings to other systems: the {@code export} command (Parquet and TSV, one Spark task per entity
 * partition, written atomically) and the {@code neighbors} command (top-k similar entities and likeliest tails, via
 * the embedding module's {@link io.embark.embedding.eval.Neighbors}).
 */
package io.embark.jobs.export;
