package io.embark.embedding.train;

/**
 * Training produced a loss (or an embedding gradient) that is not a finite number: the run stops with the epoch and
 * bucket, before that epoch's checkpoint version is written, so no NaN or infinity reaches a committed checkpoint.
 * What usually causes it: a learning rate far too high for the comparator, or edge weights far too large.
 */
public final class NonFiniteLossException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public NonFiniteLossException(String message) {
        super(message);
    }
}
