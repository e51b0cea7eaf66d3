package io.embark.jobs.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BucketSlotsTest {

    @Test
    void a_large_grid_gets_one_file_per_bucket_and_contiguous_writers() {
        // 64 x 64 = 4,096 buckets, 200 input tasks: 1 slot, 200 writers of ~20 consecutive buckets each
        BucketSlots s = BucketSlots.plan(64, 64, 200);
        assertEquals(1, s.slots());
        assertEquals(200, s.writers());
        int last = 0;
        int[] perWriter = new int[s.writers()];
        for (int k = 0; k < s.keys(); k++) {
            int w = s.writerOf(k);
            assertTrue(w >= last && w < s.writers(), "keys go to writers in contiguous ranges");
            last = w;
            perWriter[w]++;
        }
        for (int n : perWriter) {
            assertTrue(n == 20 || n == 21, "4096 keys over 200 writers: 20 or 21 each, got " + n);
        }
        assertEquals(0, s.writerOf(BucketSlots.REPORT_KEY));
        // key <-> (bucket, slot) round trip at the corners
        assertEquals(63, s.lhsPartitionOf(s.key(s.bucket(63, 5), 0)));
        assertEquals(5, s.rhsPartitionOf(s.key(s.bucket(63, 5), 0)));
    }

    @Test
    void a_small_grid_is_split_into_slots_so_that_it_is_still_written_in_parallel() {
        // 2 x 2 = 4 buckets, 8 input tasks: 2 slots per bucket, 8 keys, 8 writers
        BucketSlots s = BucketSlots.plan(2, 2, 8);
        assertEquals(2, s.slots());
        assertEquals(8, s.writers());
        int key = s.key(s.bucket(1, 0), 1);
        assertEquals(5, key);
        assertEquals(1, s.lhsPartitionOf(key));
        assertEquals(0, s.rhsPartitionOf(key));
        assertEquals(1, s.slotOf(key));
        // one partition, 3 tasks: the single bucket in 3 slots, one writer each
        BucketSlots one = BucketSlots.plan(1, 1, 3);
        assertEquals(3, one.slots());
        assertEquals(3, one.writers());
        // files are bounded by buckets x slots <= buckets + tasks, never buckets x tasks
        for (int p : new int[] {1, 2, 3, 16, 64, 256}) {
            for (int tasks : new int[] {1, 7, 64, 1000}) {
                BucketSlots b = BucketSlots.plan(p, p, tasks);
                assertTrue((long) b.keys() <= (long) p * p + tasks, p + " x " + p + ", " + tasks + " tasks: " + b.keys() + " files at most");
                assertTrue(b.writers() <= tasks);
            }
        }
    }
}
