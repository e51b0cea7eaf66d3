package io.embark.allreduce;

/** A wait ended because the caller's {@link Cancellation} said it has given up (not because of a peer or a timeout). */
public class CollectiveCancelledException extends CollectiveException {
    private static final long serialVersionUID = 1L;

    public CollectiveCancelledException(String message) {
        super(message);
    }

    public CollectiveCancelledException(String message, Throwable cause) {
        super(message, cause);
    }
}
