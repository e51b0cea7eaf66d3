package io.embark.embedding.eval;

import java.io.Serializable;
import java.util.List;

/**
 * What an evaluation ranks.
 *
 * @param split        the split whose edges are ranked (both sides of each)
 * @param filterSplits splits whose true edges are removed from the candidates for the filtered metrics; empty: raw
 *                     metrics only (raw metrics are always computed)
 * @param candidates   all entities of the type, or a sample per edge
 */
public record RankingOptions(String split, List<String> filterSplits, Candidates candidates) implements Serializable {

    public RankingOptions {
        filterSplits = List.copyOf(filterSplits);
    }

    public boolean filtered() {
        return !filterSplits.isEmpty();
    }
}
