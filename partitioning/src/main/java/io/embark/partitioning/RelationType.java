package io.embark.partitioning;

/** A relation type and the entity types of its two sides, as in PyTorch-BigGraph's schema. */
public record RelationType(String name, String lhsType, String rhsType) {

    public RelationType {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("relation type name must be non-empty");
        }
    }

    public String entityType(Side side) {
        return side.pick(lhsType, rhsType);
    }
}
