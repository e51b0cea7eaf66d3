package io.embark.jobs.imports;

import io.embark.jobs.TaskFailures;

/** An input line (or row) that cannot be used; the message names the file, the line and what was expected. */
public final class BadInputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BadInputException(String message) {
        super(message);
    }

    /** The first BadInputException in {@code t}'s cause chain (Spark wraps task failures), if any. */
    public static BadInputException find(Throwable t) {
        return TaskFailures.message(t, BadInputException.class).map(BadInputException::new).orElse(null);
    }
}
