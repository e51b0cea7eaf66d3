package io.embark.embedding.train;

import io.embark.embedding.storage.CheckpointStore;
import java.io.IOException;
import java.util.Map;

/**
 * Evaluation during training: called after each epoch's checkpoint version is committed, with that version's number
 * (= the epochs it holds) and its store; returns metrics to record in that epoch's {@link
 * io.embark.embedding.storage.EpochStats} (stats.jsonl, the next versions' checkpoint info, the epoch log line), or an
 * empty map for an epoch it skips. An exception fails the run after the checkpoint is safe, so a rerun resumes.
 */
@FunctionalInterface
public interface EpochEvaluator {

    /** Evaluates nothing. */
    EpochEvaluator NONE = (version, store) -> Map.of();

    Map<String, Double> afterEpoch(int version, CheckpointStore store) throws IOException;

    /** The headline metrics (MRR, Hits@1, Hits@10) for a log line, e.g. "valid_mrr 0.3120, ..."; "" when none. */
    static String describe(Map<String, Double> metrics) {
        StringBuilder sb = new StringBuilder();
        metrics.forEach((k, v) -> {
            if (k.endsWith("_mrr") || k.endsWith("_hits_at_1") || k.endsWith("_hits_at_10")) {
                sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ').append(String.format("%.4f", v));
            }
        });
        return sb.toString();
    }
}
