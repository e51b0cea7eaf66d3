package io.embark.partitioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The id and partition arithmetic of types with more than 2^31 entities, checked at the extremes without
 * materializing any entity: 5,000,000,000 entities over 3 and 64 partitions, and the refusals of partitions, buckets
 * and edge blocks too large for int offsets.
 */
class BillionEntityArithmeticTest {

    private static final long N = 5_000_000_000L;

    @Test
    void partitionSizesOf5BillionEntitiesSumBackAndAreBalanced() {
        for (int p : new int[] {3, 64, 65_536}) {
            long total = 0;
            long min = Long.MAX_VALUE;
            long max = 0;
            for (int i = 0; i < p; i++) {
                long size = PartitionAssignment.partitionSize(N, p, i);
                total += size;
                min = Math.min(min, size);
                max = Math.max(max, size);
            }
            assertEquals(N, total, p + " partitions");
            assertTrue(max - min <= 1, "balanced within one");
            assertEquals(Limits.largestPartition(N, p), max);
        }
        // 5e9 = 3 x 1,666,666,666 + 2: partitions 0 and 1 hold one more
        assertEquals(1_666_666_667L, PartitionAssignment.partitionSize(N, 3, 0));
        assertEquals(1_666_666_667L, PartitionAssignment.partitionSize(N, 3, 1));
        assertEquals(1_666_666_666L, PartitionAssignment.partitionSize(N, 3, 2));
        // 5e9 = 64 x 78,125,000 exactly
        assertEquals(78_125_000L, PartitionAssignment.partitionSize(N, 64, 63));
    }

    @Test
    void rankAndPartitionOffsetRoundTripAtTheExtremes() {
        for (int p : new int[] {3, 64}) {
            for (int part : new int[] {0, 1, p - 1}) {
                long size = PartitionAssignment.partitionSize(N, p, part);
                for (long off : new long[] {0, 1, size / 2, size - 1}) {
                    long rank = PartitionAssignment.rank(part, (int) off, p);
                    assertTrue(rank >= 0 && rank < N, "rank " + rank + " of (" + part + ", " + off + ") inside [0, N)");
                    assertEquals(part, PartitionAssignment.partition(rank, p));
                    assertEquals(off, PartitionAssignment.offset(rank, p));
                }
                // one past the partition's last offset is past the last entity
                assertTrue(PartitionAssignment.rank(part, (int) size, p) >= N);
            }
            // ranks around the 32-bit boundaries and the last entity
            for (long rank : new long[] {(1L << 31) - 1, 1L << 31, (1L << 32) - 1, 1L << 32, (1L << 32) + 1, N - 2, N - 1}) {
                int part = PartitionAssignment.partition(rank, p);
                int off = PartitionAssignment.offset(rank, p);
                assertTrue(off >= 0 && off < PartitionAssignment.partitionSize(N, p, part), "offset inside partition " + part);
                assertEquals(rank, PartitionAssignment.rank(part, off, p), "rank " + rank + " over " + p);
            }
        }
        // the last entity over 3 partitions: rank 4,999,999,999 = 3 x 1,666,666,666 + 1
        assertEquals(1, PartitionAssignment.partition(N - 1, 3));
        assertEquals(1_666_666_666, PartitionAssignment.offset(N - 1, 3));
    }

    @Test
    void anOffsetPastIntRowsIsRefused() {
        // over 2 partitions the last entity would sit at offset 2,499,999,999
        assertThrows(IllegalArgumentException.class, () -> PartitionAssignment.offset(N - 1, 2));
        assertEquals(Limits.MAX_PARTITION_ROWS - 1, PartitionAssignment.offset((long) (Limits.MAX_PARTITION_ROWS - 1) * 2, 2));
        assertThrows(IllegalArgumentException.class, () -> PartitionAssignment.offset((long) Limits.MAX_PARTITION_ROWS * 2, 2));
    }

    @Test
    void tooFewPartitionsAreRefusedNamingTheKeyAndTheCountThatFits() {
        Limits.checkPartitions("node", N, 3);
        Limits.checkPartitions("node", N, 64);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Limits.checkPartitions("node", N, 2));
        assertEquals("graph.entities.node.partitions: 2 partitions of 5,000,000,000 entities hold 2,500,000,000 rows each, more"
                + " than 2,147,483,639, the most one partition can hold (a row's offset is an int); use at least 3 partitions",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Limits.checkPartitions("user", 3_000_000_000L, 1));
        assertTrue(e.getMessage().startsWith("graph.entities.user.partitions: 1 partition of 3,000,000,000 entities holds"
                + " 3,000,000,000 rows, more than"), e.getMessage());
        assertTrue(e.getMessage().endsWith("use at least 2 partitions"), e.getMessage());
    }

    @Test
    void partitionsToFitIsTheCeilingAtTheBoundaries() {
        long max = Limits.MAX_PARTITION_ROWS;
        assertEquals(1, Limits.partitionsToFit(0, max));
        assertEquals(1, Limits.partitionsToFit(max, max));
        assertEquals(2, Limits.partitionsToFit(max + 1, max));
        assertEquals(3, Limits.partitionsToFit(3 * max, max));
        assertEquals(4, Limits.partitionsToFit(3 * max + 1, max));
        for (long count : new long[] {max, max + 1, 3 * max, 3 * max + 1, N, 1L << 40}) {
            long p = Limits.partitionsToFit(count, max);
            assertTrue(Limits.largestPartition(count, (int) p) <= max, count + " over " + p);
            assertTrue(p == 1 || Limits.largestPartition(count, (int) p - 1) > max, "the fewest: " + count + " over " + (p - 1));
        }
        // a type too large for the 65,536 partitions a type can have says so
        String m = Limits.tooFewPartitions("node", 1L << 50, 65_536, max, "why");
        assertTrue(m.endsWith("(more than the 65,536 a type can have: this limit cannot be met)"), m);
    }

    @Test
    void edgeBlocksGrowWithoutWrappingAndStopAtTheBucketLimit() {
        assertEquals(24, EdgeBlock.grownCapacity(16));
        assertEquals(2, EdgeBlock.grownCapacity(1));
        // 1.5 x 1,500,000,000 wraps negative in 32 bits; the capacity is capped instead
        assertEquals(Limits.MAX_BUCKET_EDGES, EdgeBlock.grownCapacity(1_500_000_000));
        assertEquals(Limits.MAX_BUCKET_EDGES, EdgeBlock.grownCapacity(Limits.MAX_BUCKET_EDGES - 1));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> EdgeBlock.grownCapacity(Limits.MAX_BUCKET_EDGES));
        assertTrue(e.getMessage().contains("graph.entities.TYPE.partitions"), e.getMessage());
    }
}
