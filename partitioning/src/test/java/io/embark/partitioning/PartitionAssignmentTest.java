package io.embark.partitioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PartitionAssignmentTest {

    @Test
    void worked_example_from_the_javadoc() {
        // N = 7, P = 3: ranks 0..6 go to partitions 0 1 2 0 1 2 0 at offsets 0 0 0 1 1 1 2.
        int[] parts = new int[7];
        int[] offs = new int[7];
        for (int r = 0; r < 7; r++) {
            parts[r] = PartitionAssignment.partition(r, 3);
            offs[r] = PartitionAssignment.offset(r, 3);
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {0, 1, 2, 0, 1, 2, 0}, parts);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1, 2}, offs);
        assertEquals(3, PartitionAssignment.partitionSize(7, 3, 0));
        assertEquals(2, PartitionAssignment.partitionSize(7, 3, 1));
        assertEquals(2, PartitionAssignment.partitionSize(7, 3, 2));
    }

    @Test
    void assignment_is_a_bijection_onto_balanced_partitions() {
        for (int p : new int[] {1, 2, 3, 4, 7, 16}) {
            for (long n : new long[] {0, 1, 5, 16, 1001}) {
                Set<Long> seen = new HashSet<>();
                long[] sizes = new long[p];
                for (long r = 0; r < n; r++) {
                    int part = PartitionAssignment.partition(r, p);
                    int off = PartitionAssignment.offset(r, p);
                    assertTrue(off < PartitionAssignment.partitionSize(n, p, part), "offset inside its partition");
                    assertEquals(r, PartitionAssignment.rank(part, off, p));
                    assertTrue(seen.add(((long) part << 32) | off));
                    sizes[part]++;
                }
                long total = 0;
                for (int i = 0; i < p; i++) {
                    assertEquals(PartitionAssignment.partitionSize(n, p, i), sizes[i]);
                    assertTrue(Math.abs(sizes[i] - sizes[0]) <= 1, "balanced within one");
                    total += sizes[i];
                }
                assertEquals(n, total);
            }
        }
    }
}
