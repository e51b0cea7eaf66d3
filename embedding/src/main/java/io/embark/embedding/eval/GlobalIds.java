package io.embark.embedding.eval;

import io.embark.partitioning.Bucket;
import io.embark.partitioning.ImportManifest;
import io.embark.partitioning.PartitionAssignment;
import io.embark.partitioning.Side;
import java.util.HashMap;
import java.util.Map;

/**
 * Numbers the entities of each type globally by their rank in {@link PartitionAssignment} (partition p, offset o of a
 * type with P partitions is {@code o * P + p}), so that entities of different partitions can be compared and
 * filtered; and knows each relation's entity types. A type with one partition lives in bucket index 0 on its side.
 */
final class GlobalIds {

    private final Map<String, ImportManifest.EntityTypeInfo> types = new HashMap<>();
    private final String[] lhsType;
    private final String[] rhsType;

    GlobalIds(ImportManifest manifest) {
        for (ImportManifest.EntityTypeInfo t : manifest.entityTypes()) {
            types.put(t.name(), t);
        }
        lhsType = new String[manifest.relations().size()];
        rhsType = new String[manifest.relations().size()];
        for (ImportManifest.RelationInfo r : manifest.relations()) {
            lhsType[r.id()] = r.lhsType();
            rhsType[r.id()] = r.rhsType();
        }
    }

    int relations() {
        return lhsType.length;
    }

    String type(int relation, Side side) {
        return side.pick(lhsType, rhsType)[relation];
    }

    int partitions(String type) {
        return types.get(type).partitions();
    }

    /** The global id of the entity at {@code offset} on side {@code side} of an edge of relation r in bucket b. */
    long global(int relation, Side side, Bucket b, int offset) {
        int parts = partitions(type(relation, side));
        return PartitionAssignment.rank(parts == 1 ? 0 : b.partition(side), offset, parts);
    }
}
