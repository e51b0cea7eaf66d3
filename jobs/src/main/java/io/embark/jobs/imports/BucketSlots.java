package io.embark.jobs.imports;

import java.io.Serializable;
import org.apache.spark.Partitioner;

/**
 * How the import routes edges to the tasks that write bucket files: an L x R grid of buckets, each split into
 * {@code slots} slots (one file each), the slot keys {@code bucket * slots + slot} spread over {@code writers} write
 * tasks in contiguous ranges. A dataset therefore has at most {@code L x R x slots} bucket files, whatever the number
 * of tasks that read the input; {@code slots} is 1 unless the grid has fewer buckets than there are write tasks, so
 * that a small grid (one partition: one bucket) is still written in parallel.
 *
 * <p>Example: a 2 x 2 grid and 8 input tasks: 4 buckets, slots = ceil(8 / 4) = 2, keys 0..7, 8 writers, so bucket
 * (1, 0) = bucket 2 is written as keys 4 (from input tasks 0, 2, 4, 6) and 5 (from tasks 1, 3, 5, 7): two files.
 * A 64 x 64 grid and 64 input tasks: slots = 1, 4,096 keys over 64 writers, 64 consecutive buckets each: one file
 * per bucket.
 */
public final class BucketSlots implements Serializable {

    private static final long serialVersionUID = 1L;
    /** The key of the per-input-task reports; sorts before every slot key and goes to writer 0. */
    public static final int REPORT_KEY = -1;

    private final int lhsPartitions;
    private final int rhsPartitions;
    private final int slots;
    private final int writers;

    private BucketSlots(int lhsPartitions, int rhsPartitions, int slots, int writers) {
        this.lhsPartitions = lhsPartitions;
        this.rhsPartitions = rhsPartitions;
        this.slots = slots;
        this.writers = writers;
    }

    /** The layout for an {@code lhsPartitions x rhsPartitions} grid whose edges come from {@code inputTasks} tasks. */
    public static BucketSlots plan(int lhsPartitions, int rhsPartitions, int inputTasks) {
        long buckets = (long) lhsPartitions * rhsPartitions;
        int tasks = Math.max(1, inputTasks);
        if (buckets * Math.max(1, (tasks + buckets - 1) / buckets) > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a " + lhsPartitions + " x " + rhsPartitions + " bucket grid is too large");
        }
        int slots = (int) Math.max(1, (tasks + buckets - 1) / buckets);
        int keys = (int) (buckets * slots);
        return new BucketSlots(lhsPartitions, rhsPartitions, slots, Math.min(keys, tasks));
    }

    public int buckets() {
        return lhsPartitions * rhsPartitions;
    }

    public int slots() {
        return slots;
    }

    /** Number of write tasks. */
    public int writers() {
        return writers;
    }

    public int keys() {
        return buckets() * slots;
    }

    /** The bucket number {@code lhs * R + rhs}. */
    public int bucket(int lhsPartition, int rhsPartition) {
        return lhsPartition * rhsPartitions + rhsPartition;
    }

    public int key(int bucket, int slot) {
        return bucket * slots + slot;
    }

    public int lhsPartitionOf(int key) {
        return key / slots / rhsPartitions;
    }

    public int rhsPartitionOf(int key) {
        return key / slots % rhsPartitions;
    }

    public int slotOf(int key) {
        return key % slots;
    }

    /** The writer of {@code key}: contiguous ranges of keys; the reports go to writer 0. */
    public int writerOf(int key) {
        return key < 0 ? 0 : (int) ((long) key * writers / keys());
    }

    /** Routes slot keys to writers (Spark's shuffle). */
    public Partitioner partitioner() {
        return new SlotPartitioner(this);
    }

    private static final class SlotPartitioner extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final BucketSlots slots;

        SlotPartitioner(BucketSlots slots) {
            this.slots = slots;
        }

        @Override
        public int numPartitions() {
            return slots.writers;
        }

        @Override
        public int getPartition(Object key) {
            return slots.writerOf((Integer) key);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SlotPartitioner p && p.slots.lhsPartitions == slots.lhsPartitions
                    && p.slots.rhsPartitions == slots.rhsPartitions && p.slots.slots == slots.slots && p.slots.writers == slots.writers;
        }

        @Override
        public int hashCode() {
            return ((slots.lhsPartitions * 31 + slots.rhsPartitions) * 31 + slots.slots) * 31 + slots.writers;
        }
    }
}
