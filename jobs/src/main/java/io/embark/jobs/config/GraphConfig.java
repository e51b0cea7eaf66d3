package io.embark.jobs.config;

import io.embark.partitioning.EntityType;
import io.embark.partitioning.GraphSchema;
import io.embark.partitioning.RelationType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Section {@code graph}: entity types with their partition counts, and relation types (dynamic or listed).
 *
 * <pre>
 *   graph.entities.node.partitions = 4
 *   graph.relations.dynamic = true          # names come from the data; all go node -> node
 *   graph.relations.lhs = node
 *   graph.relations.rhs = node
 *   # or, listed:  graph.relations.dynamic = false
 *   #              graph.relations.types.follows { lhs = user, rhs = user }
 *   graph.minEntityCount = 1
 * </pre>
 */
public record GraphConfig(GraphSchema schema, long minEntityCount) {

    public static final String DEFAULT_ENTITY_TYPE = "entity";

    static GraphConfig read(ConfigReader c) {
        List<EntityType> types = new ArrayList<>();
        Set<String> names = c.childNames("graph.entities");
        if (names.isEmpty()) {
            types.add(new EntityType(DEFAULT_ENTITY_TYPE, 1));
        }
        for (String name : names) {
            types.add(new EntityType(name, c.integer("graph.entities." + name + ".partitions", 1, 1, 1 << 16)));
        }
        String firstType = types.get(0).name();
        boolean dynamic = c.bool("graph.relations.dynamic", true);
        GraphSchema schema;
        try {
            if (dynamic) {
                schema = GraphSchema.dynamic(types, c.string("graph.relations.lhs", firstType), c.string("graph.relations.rhs", firstType));
            } else {
                List<RelationType> rels = new ArrayList<>();
                for (String r : c.childNames("graph.relations.types")) {
                    String p = "graph.relations.types." + r + ".";
                    rels.add(new RelationType(r, c.string(p + "lhs", firstType), c.string(p + "rhs", firstType)));
                }
                schema = GraphSchema.explicit(types, rels);
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException("graph: " + e.getMessage());
        }
        return new GraphConfig(schema, c.longValue("graph.minEntityCount", 1, 1, Long.MAX_VALUE));
    }
}
