package io.embark.embedding.config;

import java.io.Serializable;

/**
 * Where a run's model starts when its checkpoint directory is empty ({@code training.init}, {@code training.freeze},
 * {@code training.replay}, {@code training.newRowNegatives}): from scratch, or warm-started from a checkpoint trained
 * on this dataset or on the base dataset it extends (an import with {@code import.base}).
 *
 * @param checkpoint a checkpoint directory (its newest version is used) or one version directory; null: from scratch
 * @param freeze     what stays fixed while training (only with a checkpoint)
 * @param replay     the fraction of the base's edges trained each epoch, for a dataset imported with
 *                   {@code import.mode = append}: 1 every edge, 0 only the new ones; a new sample every epoch
 * @param newRowNegatives the fraction of each chunk's uniform negatives (per side) drawn from the rows the init
 *                   checkpoint did not train (the new entities of an incremental import), where the chunk's table has
 *                   any; the rest are drawn from all rows. A new row is pushed down only as a negative: this gives the
 *                   old edges' queries, which the new rows were never trained against, their share of that pressure
 */
public record InitConfig(String checkpoint, Freeze freeze, double replay, double newRowNegatives) implements Serializable {

    /** From scratch, every edge. */
    public static final InitConfig NONE = new InitConfig(null, Freeze.NONE, 1.0, 0);

    /** No negatives drawn from the new rows in particular. */
    public InitConfig(String checkpoint, Freeze freeze, double replay) {
        this(checkpoint, freeze, replay, 0);
    }

    public InitConfig {
        if (freeze == null) {
            throw new IllegalArgumentException("training.freeze is required");
        }
        if (!(replay >= 0 && replay <= 1)) {
            throw new IllegalArgumentException("training.replay: " + replay + " (expected a fraction in [0, 1])");
        }
        if (!(newRowNegatives >= 0 && newRowNegatives <= 1)) {
            throw new IllegalArgumentException("training.newRowNegatives: " + newRowNegatives + " (expected a fraction in [0, 1])");
        }
        if (checkpoint != null && checkpoint.isBlank()) {
            checkpoint = null;
        }
        if (checkpoint == null && freeze != Freeze.NONE) {
            throw new IllegalArgumentException("training.freeze = " + ConfigChoice.spelling(freeze)
                    + ": only means something with training.init (the checkpoint whose rows stay fixed)");
        }
        if (checkpoint == null && newRowNegatives > 0) {
            throw new IllegalArgumentException("training.newRowNegatives = " + newRowNegatives
                    + ": only means something with training.init (the checkpoint whose rows are the old ones)");
        }
    }

    public boolean warm() {
        return checkpoint != null;
    }
}
