package io.embark.jobs.config;

import io.embark.embedding.eval.Candidates;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Section {@code eval}: which checkpoint and split to rank, which splits' true edges to filter out, and against which
 * candidates.
 *
 * @param split      the split whose edges are ranked (test by default)
 * @param filter     splits whose true edges are removed from the candidates (filtered metrics); empty = raw only
 * @param limit      rank at most this many edges (all by default)
 * @param candidates all entities of the type ({@code eval.candidates = all}) or N sampled per edge
 * @param version    the checkpoint version to evaluate; empty = the newest
 */
public record EvalConfig(String split, List<String> filter, long limit, Candidates candidates, Optional<Integer> version) {

    static EvalConfig read(ConfigReader c) {
        String split = c.string("eval.split", "test");
        List<String> filter = c.has("eval.filter") ? c.list("eval.filter") : List.of("train", "valid", "test");
        for (String f : filter) {
            if (!List.of("train", "valid", "test").contains(f)) {
                throw new ConfigException("eval.filter: '" + f + "' (expected splits from train, valid, test)");
            }
        }
        long seed = c.longValue("eval.seed", 0, Long.MIN_VALUE, Long.MAX_VALUE);
        String spec = c.string("eval.candidates", "all").trim().toLowerCase(Locale.ROOT);
        Candidates candidates;
        if (spec.equals("all")) {
            candidates = new Candidates.All();
        } else {
            try {
                candidates = new Candidates.Sampled(c.integer("eval.candidates", 1, 1, Integer.MAX_VALUE), seed);
            } catch (ConfigException e) {
                throw new ConfigException("eval.candidates: '" + spec + "' (expected all, or a number >= 1 of candidates sampled per edge)");
            }
        }
        return new EvalConfig(split, filter, c.longValue("eval.limit", Long.MAX_VALUE, 1, Long.MAX_VALUE), candidates,
                CheckpointVersion.read(c, "eval.version"));
    }
}
