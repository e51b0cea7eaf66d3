/**
 * Embark from a Spark application, in Spark ML's style: {@link io.embark.jobs.api.EmbarkEstimator} trains on a
 * DataFrame of edges and returns an {@link io.embark.jobs.api.EmbarkModel} (embeddings, relation parameters, scores,
 * nearest neighbours as DataFrames; save and load). Both run the command line's stages on the caller's session, and a
 * model is a workspace in the command line's layout.
 */
package io.embark.jobs.api;
