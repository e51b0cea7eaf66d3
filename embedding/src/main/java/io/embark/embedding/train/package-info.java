/**
 * The per-bucket trainer: {@link io.embark.embedding.train.Trainer} runs epochs over the bucket grid, keeps only the
 * current (and prefetched next) bucket's partitions in memory, trains each bucket with HOGWILD threads and commits a
 * checkpoint per epoch. No Spark here: a Spark task or a test calls it.
 */
package io.embark.embedding.train;
