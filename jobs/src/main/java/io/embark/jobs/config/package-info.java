/**
 * Job configuration: a small HOCON-like file format ({@link io.embark.jobs.config.ConfigParser}), overrides from the
 * command line, and typed, validated section records built by {@link io.embark.jobs.config.ConfigReader}, which
 * rejects unknown keys with the nearest valid one.
 */
package io.embark.jobs.config;
