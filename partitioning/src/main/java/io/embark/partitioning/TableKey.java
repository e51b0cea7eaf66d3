package io.embark.partitioning;

/**
 * One table of embeddings: the rows of entity type {@code entityType} in partition {@code partition}. Training bucket
 * (0, 2) of a graph with one entity type "user" touches tables {@code user/0} (lhs) and {@code user/2} (rhs); an
 * unpartitioned type has the single table {@code TYPE/0}.
 */
public record TableKey(String entityType, int partition) implements Comparable<TableKey> {

    public TableKey {
        if (entityType == null || entityType.isEmpty()) {
            throw new IllegalArgumentException("a table needs an entity type");
        }
        if (partition < 0) {
            throw new IllegalArgumentException("table " + entityType + ": partition " + partition + " (expected >= 0)");
        }
    }

    /** By entity type, then partition. */
    @Override
    public int compareTo(TableKey o) {
        int c = entityType.compareTo(o.entityType);
        return c != 0 ? c : Integer.compare(partition, o.partition);
    }

    /** {@code type/partition}, as logs and messages name a table. */
    @Override
    public String toString() {
        return entityType + "/" + partition;
    }
}
