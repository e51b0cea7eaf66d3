package io.embark.partitioning;

/**
 * A kind of entity (user, item, page...). Each type has its own dictionary and is split into {@code partitions}
 * parts; a type with one partition is "unpartitioned" and always sits in partition 0 of every bucket it appears in.
 */
public record EntityType(String name, int partitions) {

    public EntityType {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("entity type name must be non-empty");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("entity type '" + name + "': partitions = " + partitions + " (expected >= 1)");
        }
    }

    public boolean isPartitioned() {
        return partitions > 1;
    }
}
