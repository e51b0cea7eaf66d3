package io.embark.embedding.storage;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What one epoch did: edges trained, mean loss per edge (regularization included), wall seconds (loading, shuffling
 * and checkpointing included) and edges per second. One JSON line each in {@code stats.jsonl}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EpochStats(int epoch, long edges, double loss, double seconds, double edgesPerSecond, int buckets) {
}
