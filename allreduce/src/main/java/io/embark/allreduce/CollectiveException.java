package io.embark.allreduce;

/**
 * A collective operation failed. The message always names the rank that saw the failure and, where
 * known, the operation, its tag and the peer involved. After such a failure the communicator is
 * aborted: later operations fail at once instead of waiting on ranks that have already given up.
 */
public class CollectiveException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CollectiveException(String message) {
        super(message);
    }

    public CollectiveException(String message, Throwable cause) {
        super(message, cause);
    }
}
