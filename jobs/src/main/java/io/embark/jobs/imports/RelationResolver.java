package io.embark.jobs.imports;

import io.embark.partitioning.GraphSchema;
import io.embark.partitioning.RelationType;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps a relation name to the entity types of its two sides (as indexes into the schema's entity type list).
 * With dynamic relations every name maps to the template's types; with listed relations an unlisted name is a
 * bad line.
 */
public final class RelationResolver implements Serializable {

    private static final long serialVersionUID = 1L;

    private final boolean dynamic;
    private final int dynamicLhs;
    private final int dynamicRhs;
    private final Map<String, int[]> listed = new HashMap<>();
    private final String listedNames;

    public RelationResolver(GraphSchema schema) {
        List<String> types = new ArrayList<>(schema.entityTypes().keySet());
        this.dynamic = schema.isDynamic();
        RelationType t = schema.dynamicTemplate().orElse(null);
        this.dynamicLhs = t == null ? -1 : types.indexOf(t.lhsType());
        this.dynamicRhs = t == null ? -1 : types.indexOf(t.rhsType());
        List<String> names = new ArrayList<>();
        for (RelationType r : schema.relations()) {
            listed.put(r.name(), new int[] {types.indexOf(r.lhsType()), types.indexOf(r.rhsType())});
            names.add(r.name());
        }
        String joined = String.join(", ", names.subList(0, Math.min(10, names.size())));
        this.listedNames = names.size() > 10 ? joined + ", ... (" + names.size() + " in all)" : joined;
    }

    /** {lhsTypeIndex, rhsTypeIndex} of relation {@code name}. */
    public int[] sides(String name) throws EdgeLineParser.LineProblem {
        if (dynamic) {
            return new int[] {dynamicLhs, dynamicRhs};
        }
        int[] s = listed.get(name);
        if (s == null) {
            throw new EdgeLineParser.LineProblem("unknown relation '" + name + "' (expected one of: " + listedNames + ")");
        }
        return s;
    }
}
