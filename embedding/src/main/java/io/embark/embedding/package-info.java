/**
 * Embark's model and trainer, free of Spark: {@code config} (validated records), {@code model} (operators,
 * comparators, losses), {@code kernel} (the per-chunk step), {@code optim} (Adagrad), {@code train} (epochs over
 * buckets with HOGWILD threads), {@code storage} (partition tables and checkpoints), {@code eval} (scoring a
 * checkpoint, filtered ranking). Data flows config -> train -> kernel -> storage -> eval.
 */
package io.embark.embedding;
