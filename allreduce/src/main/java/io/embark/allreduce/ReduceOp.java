package io.embark.allreduce;

/**
 * How the contributions of all ranks are combined element by element.
 *
 * <p>{@link #MEAN} travels as a {@link #SUM} and is divided by the world size once, at the end, on
 * every rank in the same way, so all ranks still hold bit-identical results.
 */
public enum ReduceOp {
    /** Element-wise sum. */
    SUM,
    /** Element-wise sum divided by the number of contributing ranks. */
    MEAN,
    /** Element-wise maximum. */
    MAX;

    /** The combining operation used on the wire: {@code MEAN} combines as {@code SUM}. */
    public ReduceOp wireOp() {
        return this == MEAN ? SUM : this;
    }
}
