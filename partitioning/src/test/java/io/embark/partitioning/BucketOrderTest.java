package io.embark.partitioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BucketOrderTest {

    @Test
    void everyOrderVisitsEachBucketOnce() {
        for (BucketOrder order : BucketOrder.values()) {
            List<Bucket> buckets = order.order(3, 4, new Random(1));
            assertEquals(12, buckets.size(), order.name());
            assertEquals(12, new HashSet<>(buckets).size(), order.name());
        }
    }

    @Test
    void insideOutGoesShellByShellAndOutsideInReverses() {
        // 3 x 3: shell 0 = (0,0); shell 1 = (0,1) (1,0) (1,1); shell 2 = the five buckets touching partition 2
        List<Bucket> in = BucketOrder.INSIDE_OUT.order(3, 3, new Random(2));
        List<Bucket> out = BucketOrder.OUTSIDE_IN.order(3, 3, new Random(2));
        assertEquals(new Bucket(0, 0), in.get(0));
        assertEquals(new Bucket(0, 0), out.get(8));
        for (int i = 1; i < 9; i++) {
            assertTrue(shell(in.get(i - 1)) <= shell(in.get(i)), "inside-out " + in);
            assertTrue(shell(out.get(i - 1)) >= shell(out.get(i)), "outside-in " + out);
        }
    }

    @Test
    void affinityKeepsAPartitionWheneverItCan() {
        List<Bucket> buckets = BucketOrder.AFFINITY.order(4, 4, new Random(3));
        int shared = 0;
        for (int i = 1; i < buckets.size(); i++) {
            Bucket a = buckets.get(i - 1);
            Bucket b = buckets.get(i);
            if (a.lhsPartition() == b.lhsPartition() || a.rhsPartition() == b.rhsPartition()) {
                shared++;
            }
        }
        assertTrue(shared >= 12, "most consecutive buckets share a partition: " + buckets);
    }

    private static int shell(Bucket b) {
        return Math.max(b.lhsPartition(), b.rhsPartition());
    }
}
