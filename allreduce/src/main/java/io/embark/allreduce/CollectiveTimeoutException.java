package io.embark.allreduce;

/** An operation did not complete within its timeout (a peer is dead, stuck or far too slow). */
public class CollectiveTimeoutException extends CollectiveException {
    private static final long serialVersionUID = 1L;

    public CollectiveTimeoutException(String message) {
        super(message);
    }
}
