package io.embark.partitioning;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The order in which one epoch visits the buckets of an L x R grid (PyTorch-BigGraph's bucket orders).
 *
 * <p>Example, 3 x 3 grid. A "shell" k holds the buckets whose larger partition index is k:
 * <pre>
 *   shell 0: (0,0)
 *   shell 1: (0,1) (1,0) (1,1)
 *   shell 2: (0,2) (1,2) (2,0) (2,1) (2,2)
 * </pre>
 * INSIDE_OUT visits shell 0, then 1, then 2 (random order inside a shell), so a partition is first trained together
 * with partitions that are already trained; OUTSIDE_IN visits shells 2, 1, 0; RANDOM shuffles all nine; AFFINITY
 * starts anywhere and then prefers a bucket that shares a partition with the previous one, so fewer partitions are
 * swapped. Every order visits each bucket exactly once.
 */
public enum BucketOrder {
    INSIDE_OUT, OUTSIDE_IN, RANDOM, AFFINITY;

    /** The buckets of an {@code lhsPartitions x rhsPartitions} grid in this order; {@code random} breaks ties. */
    public List<Bucket> order(int lhsPartitions, int rhsPartitions, Random random) {
        List<Bucket> all = new ArrayList<>();
        for (int l = 0; l < lhsPartitions; l++) {
            for (int r = 0; r < rhsPartitions; r++) {
                all.add(new Bucket(l, r));
            }
        }
        switch (this) {
            case RANDOM -> Collections.shuffle(all, random);
            case INSIDE_OUT, OUTSIDE_IN -> {
                int shells = Math.max(lhsPartitions, rhsPartitions);
                List<Bucket> ordered = new ArrayList<>();
                for (int s = 0; s < shells; s++) {
                    int k = this == INSIDE_OUT ? s : shells - 1 - s;
                    List<Bucket> shell = new ArrayList<>();
                    for (Bucket b : all) {
                        if (Math.max(b.lhsPartition(), b.rhsPartition()) == k) {
                            shell.add(b);
                        }
                    }
                    Collections.shuffle(shell, random);
                    ordered.addAll(shell);
                }
                all = ordered;
            }
            case AFFINITY -> {
                List<Bucket> left = new ArrayList<>(all);
                Collections.shuffle(left, random);
                List<Bucket> ordered = new ArrayList<>();
                Bucket prev = left.remove(left.size() - 1);
                ordered.add(prev);
                while (!left.isEmpty()) {
                    int pick = left.size() - 1;
                    int best = -1;
                    for (int i = 0; i < left.size(); i++) {
                        Bucket b = left.get(i);
                        int shared = (b.lhsPartition() == prev.lhsPartition() ? 1 : 0) + (b.rhsPartition() == prev.rhsPartition() ? 1 : 0);
                        if (shared > best) {
                            best = shared;
                            pick = i;
                        }
                    }
                    prev = left.remove(pick);
                    ordered.add(prev);
                }
                all = ordered;
            }
            default -> throw new IllegalStateException(name());
        }
        return all;
    }
}
