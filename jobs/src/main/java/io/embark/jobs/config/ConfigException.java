package io.embark.jobs.config;

/** A configuration error; the message names the key (and file, where known) and what was expected. */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
