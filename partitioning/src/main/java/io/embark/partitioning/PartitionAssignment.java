package io.embark.partitioning;

/**
 * How the N entities of one type are spread over its P partitions: exactly balanced and deterministic.
 *
 * <p>Entities are ranked by a 64-bit hash of the name (ties broken by the name; the import's dictionary sort computes it),
 * which is a pseudo-random order that does not depend on the input's order or on how Spark split it. The entity of rank
 * {@code i} goes to partition {@code i mod P} at offset {@code i / P}. Partition sizes therefore differ by at most
 * one: partition p holds {@code N / P + (p < N mod P ? 1 : 0)} entities.
 *
 * <p>Example, N = 7 entities ranked a..g, P = 3:
 * <pre>
 *   rank      0 1 2 3 4 5 6
 *   entity    a b c d e f g
 *   partition 0 1 2 0 1 2 0
 *   offset    0 0 0 1 1 1 2      sizes: p0 = 3 (a, d, g), p1 = 2 (b, e), p2 = 2 (c, f)
 * </pre>
 */
public final class PartitionAssignment {

    private PartitionAssignment() {
    }

    /** The partition of the entity of rank {@code rank}. */
    public static int partition(long rank, int partitions) {
        return (int) (rank % partitions);
    }

    /** The offset inside its partition of the entity of rank {@code rank}. */
    public static int offset(long rank, int partitions) {
        long offset = rank / partitions;
        if (offset >= Limits.MAX_PARTITION_ROWS) {
            throw new IllegalArgumentException("rank " + Limits.number(rank) + " over " + partitions + " partitions: offset "
                    + Limits.number(offset) + " is past the " + Limits.number(Limits.MAX_PARTITION_ROWS)
                    + " rows a partition can hold (Limits.checkPartitions refuses such a type before its dictionary is built)");
        }
        return (int) offset;
    }

    /** The rank of the entity at {@code (partition, offset)}: the inverse of {@link #partition} and {@link #offset}. */
    public static long rank(int partition, int offset, int partitions) {
        return (long) offset * partitions + partition;
    }

    /** The number of entities in partition {@code p} when {@code count} entities are spread over {@code partitions}. */
    public static long partitionSize(long count, int partitions, int p) {
        return count / partitions + (p < count % partitions ? 1 : 0);
    }
}
