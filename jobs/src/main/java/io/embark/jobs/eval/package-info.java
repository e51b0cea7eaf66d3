/**
 * The {@code eval} command as a Spark job: the evaluated split cut into slices, one task each ranking its slice with the
 * embedding module's {@link io.embark.embedding.eval.RankingTask}, the driver adding up the totals and writing
 * {@code metrics-SPLIT-CANDIDATES.json} next to the checkpoint.
 */
package io.embark.jobs.eval;
