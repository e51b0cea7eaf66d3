package io.embark.embedding.optim;

/**
 * A row's gradient is so large (or NaN) that its Adagrad accumulator would become infinite or NaN. Such a row would
 * never train again (its step {@code lr / sqrt(inf)} is 0), so the update is refused instead of stored.
 */
public final class NonFiniteGradientException extends ArithmeticException {

    private static final long serialVersionUID = 1L;

    public NonFiniteGradientException(String message) {
        super(message);
    }
}
