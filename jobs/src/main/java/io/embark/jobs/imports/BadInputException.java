package io.embark.jobs.imports;

/** An input line (or row) that cannot be used; the message names the file, the line and what was expected. */
public final class BadInputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BadInputException(String message) {
        super(message);
    }

    /** The first BadInputException in {@code t}'s cause chain (Spark wraps task failures), if any. */
    public static BadInputException find(Throwable t) {
        String marker = BadInputException.class.getName() + ": ";
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof BadInputException b) {
                return b;
            }
            // A task failure that Spark could only pass on as text: "...: io.embark...BadInputException: MESSAGE\n\tat ..."
            String m = c.getMessage();
            int at = m == null ? -1 : m.indexOf(marker);
            if (at >= 0) {
                int end = m.indexOf('\n', at);
                return new BadInputException(m.substring(at + marker.length(), end < 0 ? m.length() : end));
            }
        }
        return null;
    }
}
