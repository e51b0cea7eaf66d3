package io.embark.allreduce;

/**
 * A peer died, closed its connection without saying goodbye, broke the protocol, or aborted the job
 * after its own failure. Raised on every rank, usually well before the timeout.
 */
public class PeerFailedException extends CollectiveException {
    private static final long serialVersionUID = 1L;

    public PeerFailedException(String message) {
        super(message);
    }

    public PeerFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
