package io.embark.jobs.config;

/** What an import against a base dataset ({@code import.base}) holds: {@code import.mode}. */
public enum ImportMode {
    /** The base's edges and the new ones: the whole graph as it is now. */
    APPEND,
    /** Only the new edges (the entities and relations are still the base's plus the new ones). */
    DELTA
}
