/**
 * Using a trained checkpoint: {@link io.embark.embedding.eval.TrainedModel} (embeddings per partition, the query
 * operator and comparator); link-prediction ranking, where a {@link io.embark.embedding.eval.RankingTask} ranks one
 * {@link io.embark.embedding.eval.EvalSlice} of a split (raw and filtered, both sides, exact or sampled candidates) into
 * mergeable {@link io.embark.embedding.eval.RankingTotals}; and {@link io.embark.embedding.eval.Neighbors}, the
 * top-k most similar entities and most likely tails.
 */
package io.embark.embedding.eval;
