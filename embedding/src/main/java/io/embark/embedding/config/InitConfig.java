package io.embark.embedding.config;

import java.io.Serializable;

/**
 * Where a run's model starts when its checkpoint directory is empty ({@code training.init}, {@code training.freeze},
 * {@code training.replay}): from scratch, or warm-started from a checkpoint trained on this dataset or on the base
 * dataset it extends (an import with {@code import.base}).
 *
 * @param checkpoint a checkpoint directory (its newest version is used) or one version directory; null: from scratch
 * @param freeze     what stays fixed while training (only with a checkpoint)
 * @param replay     the fraction of the base's edges trained each epoch, for a dataset imported with
 *                   {@code import.mode = append}: 1 every edge, 0 only the new ones; a new sample every epoch
 */
public record InitConfig(String checkpoint, Freeze freeze, double replay) implements Serializable {

    /** From scratch, every edge. */
    public static final InitConfig NONE = new InitConfig(null, Freeze.NONE, 1.0);

    public InitConfig {
        if (freeze == null) {
            throw new IllegalArgumentException("training.freeze is required");
        }
        if (!(replay >= 0 && replay <= 1)) {
            throw new IllegalArgumentException("training.replay: " + replay + " (expected a fraction in [0, 1])");
        }
        if (checkpoint != null && checkpoint.isBlank()) {
            checkpoint = null;
        }
        if (checkpoint == null && freeze != Freeze.NONE) {
            throw new IllegalArgumentException("training.freeze = " + ConfigChoice.spelling(freeze)
                    + ": only means something with training.init (the checkpoint whose rows stay fixed)");
        }
    }

    public boolean warm() {
        return checkpoint != null;
    }
}
