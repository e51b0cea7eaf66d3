package io.embark.jobs.config;

/**
 * Keys {@code training.eval.*}: evaluation during training. After every {@code every}-th epoch (and the last), the
 * checkpoint just committed is ranked on the first {@code limit} edges of {@code split}, with the filter and candidates
 * of the {@code eval} section, as a Spark stage like the {@code eval} command's; the metrics go into that epoch's stats
 * (stats.jsonl, the epoch log line, the report).
 *
 * @param every epochs between evaluations; 0 turns evaluation during training off
 * @param split the split ranked (valid by default: the test split stays unseen while choosing epochs)
 * @param limit rank at most this many edges of the split, both sides each
 */
public record ValidationConfig(int every, String split, long limit) {

    static ValidationConfig read(ConfigReader c) {
        String split = c.string("training.eval.split", "valid");
        return new ValidationConfig(c.integer("training.eval.every", 0, 0, 1 << 20), split,
                c.longValue("training.eval.limit", 5000, 1, Long.MAX_VALUE));
    }

    public boolean enabled() {
        return every > 0;
    }
}
