package io.embark.embedding.storage;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one epoch did: edges trained, mean loss per edge (regularization included), wall seconds (loading, shuffling
 * and checkpointing included) and edges per second; and, when evaluation during training ran after this epoch, its
 * metrics (e.g. {@code valid_mrr}, {@code valid_hits_at_10}; empty otherwise). One JSON line each in
 * {@code stats.jsonl}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EpochStats(int epoch, long edges, double loss, double seconds, double edgesPerSecond, int buckets,
                         @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Double> metrics) {

    @JsonCreator
    public EpochStats(@JsonProperty("epoch") int epoch, @JsonProperty("edges") long edges, @JsonProperty("loss") double loss,
                      @JsonProperty("seconds") double seconds, @JsonProperty("edgesPerSecond") double edgesPerSecond,
                      @JsonProperty("buckets") int buckets, @JsonProperty("metrics") Map<String, Double> metrics) {
        this.epoch = epoch;
        this.edges = edges;
        this.loss = loss;
        this.seconds = seconds;
        this.edgesPerSecond = edgesPerSecond;
        this.buckets = buckets;
        this.metrics = metrics == null || metrics.isEmpty() ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(metrics));
    }

    public EpochStats(int epoch, long edges, double loss, double seconds, double edgesPerSecond, int buckets) {
        this(epoch, edges, loss, seconds, edgesPerSecond, buckets, Map.of());
    }

    /** These stats with {@code more} metrics added. */
    public EpochStats withMetrics(Map<String, Double> more) {
        Map<String, Double> all = new TreeMap<>(metrics);
        all.putAll(more);
        return new EpochStats(epoch, edges, loss, seconds, edgesPerSecond, buckets, all);
    }
}
