package io.embark.partitioning;

import java.util.Locale;

/**
 * The sizes that one partition, one bucket or one buffer cannot pass, and the arithmetic that turns a refusal into
 * advice: how many partitions would fit. Entity counts and ranks are 64-bit everywhere ({@link PartitionAssignment});
 * what stays 32-bit is an index into one Java array: a row offset inside a partition, an edge inside a bucket.
 *
 * <p>Example: 5,000,000,000 entities over 2 partitions make partitions of 2,500,000,000 rows, more than
 * {@link #MAX_PARTITION_ROWS} (2,147,483,639); {@code partitionsToFit(5e9, MAX_PARTITION_ROWS)} = ceil(5e9 /
 * 2,147,483,639) = 3, and 3 partitions hold at most 1,666,666,667 rows each.
 */
public final class Limits {

    /** The longest Java array the JVMs we run on allocate (a few header words short of 2^31). */
    public static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
    /** The most entities one partition of a type holds: a row's offset in its partition is an int. */
    public static final int MAX_PARTITION_ROWS = MAX_ARRAY;
    /** The most edges one bucket of one split holds: a bucket is trained from one block of int-indexed arrays. */
    public static final int MAX_BUCKET_EDGES = MAX_ARRAY;

    private Limits() {
    }

    /** The size of the largest of {@code partitions} partitions of {@code count} entities: {@code ceil(count / partitions)}. */
    public static long largestPartition(long count, int partitions) {
        if (count < 0 || partitions < 1) {
            throw new IllegalArgumentException(count + " entities over " + partitions + " partitions");
        }
        return count / partitions + (count % partitions == 0 ? 0 : 1);
    }

    /** The fewest partitions of {@code count} entities whose largest holds at most {@code maxRows}: at least 1. */
    public static long partitionsToFit(long count, long maxRows) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("at most " + maxRows + " rows per partition");
        }
        return Math.max(1, count / maxRows + (count % maxRows == 0 ? 0 : 1));
    }

    /**
     * Refuses {@code count} entities of {@code type} over {@code partitions} partitions when a partition would hold more
     * than {@link #MAX_PARTITION_ROWS}, with one line that names the key and the partition count that fits.
     */
    public static void checkPartitions(String type, long count, int partitions) {
        if (largestPartition(count, partitions) > MAX_PARTITION_ROWS) {
            throw new IllegalArgumentException(tooFewPartitions(type, count, partitions, MAX_PARTITION_ROWS,
                    "the most one partition can hold (a row's offset is an int)"));
        }
    }

    /**
     * The message of a refusal because a partition of {@code type} holds more than {@code maxRows} rows:
     * {@code graph.entities.node.partitions: 2 partitions of 5,000,000,000 entities hold 2,500,000,000 rows each, more
     * than 2,147,483,639, WHY; use at least 3 partitions}.
     */
    public static String tooFewPartitions(String type, long count, int partitions, long maxRows, String why) {
        long fit = partitionsToFit(count, maxRows);
        return "graph.entities." + type + ".partitions: " + partitions + (partitions == 1 ? " partition" : " partitions")
                + " of " + number(count) + " entities " + (partitions == 1 ? "holds " : "hold ") + number(largestPartition(count, partitions))
                + " rows" + (partitions == 1 ? "" : " each") + ", more than " + number(maxRows) + ", " + why + "; use at least "
                + number(fit) + " partitions" + (fit > 1 << 16 ? " (more than the 65,536 a type can have: this limit cannot be met)" : "");
    }

    /** {@code 5000000000} as {@code 5,000,000,000}. */
    public static String number(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
