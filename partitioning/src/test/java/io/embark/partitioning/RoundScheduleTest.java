package io.embark.partitioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class RoundScheduleTest {

    private static final Function<Bucket, Set<String>> ONE_TYPE =
            b -> new HashSet<>(List.of("node/" + b.lhsPartition(), "node/" + b.rhsPartition()));

    @Test
    void everyBucketOnceAndNoTableHeldTwiceInARound() {
        for (BucketOrder order : BucketOrder.values()) {
            for (int p : new int[] {1, 2, 3, 4, 7}) {
                for (int w : new int[] {1, 2, 3, 5}) {
                    List<Bucket> buckets = order.order(p, p, new Random(p * 31L + w));
                    RoundSchedule s = RoundSchedule.build(buckets, w, ONE_TYPE);
                    List<Bucket> seen = new ArrayList<>();
                    for (int r = 0; r < s.rounds(); r++) {
                        Set<String> held = new HashSet<>();
                        int busy = 0;
                        for (int k = 0; k < w; k++) {
                            Bucket b = s.bucket(r, k);
                            if (b == null) {
                                continue;
                            }
                            busy++;
                            seen.add(b);
                            for (String t : ONE_TYPE.apply(b)) {
                                assertTrue(held.add(t), order + " P=" + p + " W=" + w + " round " + r + ": table " + t + " twice");
                            }
                        }
                        assertTrue(busy > 0, "round " + r + " is empty");
                    }
                    assertEquals(new HashSet<>(buckets), new HashSet<>(seen), order + " P=" + p + " W=" + w);
                    assertEquals(buckets.size(), seen.size(), "a bucket scheduled twice");
                }
            }
        }
    }

    @Test
    void oneWorkerKeepsTheOrder() {
        List<Bucket> order = BucketOrder.INSIDE_OUT.order(3, 3, new Random(1));
        RoundSchedule s = RoundSchedule.build(order, 1, ONE_TYPE);
        assertEquals(9, s.rounds());
        for (int r = 0; r < 9; r++) {
            assertEquals(order.get(r), s.bucket(r, 0));
        }
        assertEquals(1.0, s.utilization());
    }

    @Test
    void workedExampleFromTheJavadoc() {
        // order (0,0) (0,1) (1,0) (1,1) (0,2) (2,2): round 1 {(0,0), (1,1)}, round 2 {(0,1), (2,2)},
        // then (1,0) (tables 1, 0) and (0,2) (tables 0, 2) collide on table 0: round 3 {(1,0)}, round 4 {(0,2)}.
        List<Bucket> order = List.of(new Bucket(0, 0), new Bucket(0, 1), new Bucket(1, 0), new Bucket(1, 1),
                new Bucket(0, 2), new Bucket(2, 2));
        RoundSchedule s = RoundSchedule.build(order, 2, ONE_TYPE);
        assertEquals(4, s.rounds());
        assertEquals(Set.of(new Bucket(0, 0), new Bucket(1, 1)), new HashSet<>(nonNull(s.round(0))));
        assertEquals(Set.of(new Bucket(0, 1), new Bucket(2, 2)), new HashSet<>(nonNull(s.round(1))));
        // (0,1) goes to the worker that held (0,0) or (1,1) in round 1: both share a table with it, the first wins
        assertEquals(new Bucket(0, 1), s.bucket(1, 0));
        assertEquals(List.of(new Bucket(1, 0)), nonNull(s.round(2)));
        assertEquals(List.of(new Bucket(0, 2)), nonNull(s.round(3)));
    }

    @Test
    void enoughPartitionsKeepTwoWorkersMostlyBusy() {
        // 8 x 8 = 64 buckets over 2 workers: at least 32 rounds; a greedy pass should rarely leave a worker idle
        RoundSchedule s = RoundSchedule.build(BucketOrder.RANDOM.order(8, 8, new Random(3)), 2, ONE_TYPE);
        assertTrue(s.utilization() > 0.85, "utilization " + s.utilization() + " over " + s.rounds() + " rounds");
    }

    private static List<Bucket> nonNull(List<Bucket> round) {
        return round.stream().filter(b -> b != null).toList();
    }
}
