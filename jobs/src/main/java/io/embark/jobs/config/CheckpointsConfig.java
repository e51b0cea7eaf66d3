package io.embark.jobs.config;

/**
 * What {@code train} does with checkpoints it cannot resume (another import of the dataset, an incompatible model):
 * refuse, naming the differing keys (the default), or, with {@code training.overwrite = true}, discard them and
 * start over. Compatible checkpoints are resumed either way.
 */
public record CheckpointsConfig(boolean overwrite) {

    static CheckpointsConfig read(ConfigReader c) {
        return new CheckpointsConfig(c.bool("training.overwrite", false));
    }
}
