package io.embark.jobs.config;

import java.util.Optional;

/**
 * Section {@code neighbors}: the entities nearest to one entity, or the most likely tails of (entity, relation).
 *
 * @param entity     the name of the entity asked about (required by the neighbors command)
 * @param entityType its entity type; empty = the dataset's only type (an error when it has several)
 * @param relation   when present, rank tails of (entity, relation, ?) with the model's operator and comparator;
 *                   when empty, rank entities of the same type by cosine similarity of their embeddings
 * @param k          how many to list
 * @param version    the checkpoint version; empty = the newest
 * @param includeSelf whether tails (of a relation whose two sides have the same type) may list the asked entity itself
 */
public record NeighborsConfig(Optional<String> entity, Optional<String> entityType, Optional<String> relation, int k,
                              Optional<Integer> version, boolean includeSelf) {

    static NeighborsConfig read(ConfigReader c) {
        return new NeighborsConfig(c.optionalString("neighbors.entity"), c.optionalString("neighbors.entityType"),
                c.optionalString("neighbors.relation"), c.integer("neighbors.k", 10, 1, 100_000),
                CheckpointVersion.read(c, "neighbors.version"), c.bool("neighbors.includeSelf", false));
    }

    /** The entity name, or an error saying the command needs it. */
    public String requireEntity() {
        return entity.orElseThrow(() -> new ConfigException(
                "neighbors.entity: missing (expected the name of an entity, as in the edge files: --set neighbors.entity=NAME)"));
    }
}
