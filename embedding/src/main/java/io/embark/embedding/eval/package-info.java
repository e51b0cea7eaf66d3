/**
 * Using a trained checkpoint: {@link io.embark.embedding.eval.TrainedModel} (embeddings per partition, the query
 * operator and comparator) and {@link io.embark.embedding.eval.FilteredRanking} (filtered MRR and Hits@k).
 */
package io.embark.embedding.eval;
