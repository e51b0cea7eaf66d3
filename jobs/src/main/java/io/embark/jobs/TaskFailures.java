package io.embark.jobs;

import java.util.Optional;

/**
 * Finds an exception of ours that a Spark task threw inside the failure the driver sees. Spark wraps task failures,
 * and may pass one on only as text ({@code "...: io.embark...BadInputException: MESSAGE\n\tat ..."}), so the chain is
 * searched for the object and, failing that, for its class name in a message.
 */
public final class TaskFailures {

    private TaskFailures() {
    }

    /** The message of the first {@code type} in {@code t}'s cause chain, as an object or as text; empty if none. */
    public static Optional<String> message(Throwable t, Class<? extends Throwable> type) {
        String marker = type.getName() + ": ";
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return Optional.ofNullable(c.getMessage());
            }
            String m = c.getMessage();
            int at = m == null ? -1 : m.indexOf(marker);
            if (at >= 0) {
                int end = m.indexOf('\n', at);
                return Optional.of(m.substring(at + marker.length(), end < 0 ? m.length() : end));
            }
        }
        return Optional.empty();
    }
}
