package io.embark.jobs.config;

import java.util.List;

/**
 * Section {@code eval}: which split to rank and which splits' true edges to filter out.
 *
 * @param split   the split whose edges are ranked (test by default)
 * @param filter  splits whose true edges are removed from the candidates (filtered metrics); empty = raw
 * @param limit   rank at most this many edges (all by default)
 */
public record EvalConfig(String split, List<String> filter, long limit) {

    static EvalConfig read(ConfigReader c) {
        String split = c.string("eval.split", "test");
        List<String> filter = c.has("eval.filter") ? c.list("eval.filter") : List.of("train", "valid", "test");
        for (String f : filter) {
            if (!List.of("train", "valid", "test").contains(f)) {
                throw new ConfigException("eval.filter: '" + f + "' (expected splits from train, valid, test)");
            }
        }
        return new EvalConfig(split, filter, c.longValue("eval.limit", Long.MAX_VALUE, 1, Long.MAX_VALUE));
    }
}
