package io.embark.partitioning;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The entity types and relation types of a graph, following PyTorch-BigGraph's model.
 *
 * <p>Relations are either listed explicitly (each with its lhs and rhs entity type; an edge whose relation is not
 * listed is an input error) or <em>dynamic</em>: the relation names come from the data and all share one
 * {@code (lhsType, rhsType)} template, which is how knowledge graphs with hundreds of relations are described.
 *
 * <p>Every partitioned entity type (more than one partition) must have the same number of partitions P, so the
 * bucket grid is P x P (or P x 1, 1 x P, 1 x 1 when one or both sides use only unpartitioned types).
 */
public final class GraphSchema {

    private final Map<String, EntityType> entityTypes;
    private final List<RelationType> relations;
    private final RelationType dynamicTemplate;

    private GraphSchema(Map<String, EntityType> entityTypes, List<RelationType> relations, RelationType dynamicTemplate) {
        this.entityTypes = Collections.unmodifiableMap(new LinkedHashMap<>(entityTypes));
        this.relations = List.copyOf(relations);
        this.dynamicTemplate = dynamicTemplate;
        validate();
    }

    /** A schema with the given relations listed explicitly. */
    public static GraphSchema explicit(List<EntityType> entityTypes, List<RelationType> relations) {
        if (relations.isEmpty()) {
            throw new IllegalArgumentException("graph.relations: no relation types listed (expected at least one, or dynamic relations)");
        }
        return new GraphSchema(index(entityTypes), relations, null);
    }

    /** A schema whose relation names come from the data, all with sides {@code lhsType -> rhsType}. */
    public static GraphSchema dynamic(List<EntityType> entityTypes, String lhsType, String rhsType) {
        return new GraphSchema(index(entityTypes), List.of(), new RelationType("*", lhsType, rhsType));
    }

    private static Map<String, EntityType> index(List<EntityType> types) {
        Map<String, EntityType> byName = new LinkedHashMap<>();
        for (EntityType t : types) {
            if (byName.put(t.name(), t) != null) {
                throw new IllegalArgumentException("entity type '" + t.name() + "' is declared twice");
            }
        }
        if (byName.isEmpty()) {
            throw new IllegalArgumentException("graph.entities: no entity types declared (expected at least one)");
        }
        return byName;
    }

    private void validate() {
        List<RelationType> all = new ArrayList<>(relations);
        if (dynamicTemplate != null) {
            all.add(dynamicTemplate);
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        for (RelationType r : all) {
            if (!names.add(r.name())) {
                throw new IllegalArgumentException("relation type '" + r.name() + "' is declared twice");
            }
            for (Side side : Side.values()) {
                String type = r.entityType(side);
                if (!entityTypes.containsKey(type)) {
                    throw new IllegalArgumentException("relation '" + r.name() + "': " + side.name().toLowerCase()
                            + " entity type '" + type + "' is not declared (declared: " + entityTypes.keySet() + ")");
                }
            }
        }
        int p = 1;
        String first = null;
        for (EntityType t : entityTypes.values()) {
            if (t.isPartitioned()) {
                if (p == 1) {
                    p = t.partitions();
                    first = t.name();
                } else if (t.partitions() != p) {
                    throw new IllegalArgumentException("entity types '" + first + "' (" + p + " partitions) and '" + t.name()
                            + "' (" + t.partitions() + " partitions): all partitioned entity types must have the same number of partitions");
                }
            }
        }
    }

    public Map<String, EntityType> entityTypes() {
        return entityTypes;
    }

    public EntityType entityType(String name) {
        EntityType t = entityTypes.get(name);
        if (t == null) {
            throw new IllegalArgumentException("unknown entity type '" + name + "' (declared: " + entityTypes.keySet() + ")");
        }
        return t;
    }

    public boolean isDynamic() {
        return dynamicTemplate != null;
    }

    /** The template shared by all relations when {@link #isDynamic()}. */
    public Optional<RelationType> dynamicTemplate() {
        return Optional.ofNullable(dynamicTemplate);
    }

    /** The explicitly listed relations (empty when dynamic). */
    public List<RelationType> relations() {
        return relations;
    }

    /** The sides of relation {@code name}: the listed relation, or the dynamic template. */
    public Optional<RelationType> relation(String name) {
        if (dynamicTemplate != null) {
            return Optional.of(new RelationType(name, dynamicTemplate.lhsType(), dynamicTemplate.rhsType()));
        }
        for (RelationType r : relations) {
            if (r.name().equals(name)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** Number of partitions of the bucket grid on {@code side}: P if any type used on that side is partitioned, else 1. */
    public int gridPartitions(Side side) {
        List<RelationType> all = new ArrayList<>(relations);
        if (dynamicTemplate != null) {
            all.add(dynamicTemplate);
        }
        int p = 1;
        for (RelationType r : all) {
            p = Math.max(p, entityType(r.entityType(side)).partitions());
        }
        return p;
    }
}
