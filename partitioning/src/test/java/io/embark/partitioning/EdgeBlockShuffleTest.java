package io.embark.partitioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The epoch's shuffle: a permutation that keeps each edge's columns together, and a uniform one. */
class EdgeBlockShuffleTest {

    private static EdgeBlock block(int n, boolean weighted) {
        EdgeBlock b = new EdgeBlock(n, weighted);
        for (int i = 0; i < n; i++) {
            b.add(i % 7, i, 3 * i + 1, weighted ? i + 0.5f : 1f);
        }
        return b;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 6})
    void everyEdgeOnceWithItsColumns(int bits) {
        for (boolean weighted : new boolean[] {false, true}) {
            int n = 5_000;
            EdgeBlock b = block(n, weighted);
            b.shuffle(new SplittableRandom(bits), bits);
            assertEquals(n, b.size());
            boolean[] seen = new boolean[n];
            int moved = 0;
            for (int k = 0; k < n; k++) {
                int i = b.lhs(k);
                assertTrue(!seen[i], "edge " + i + " twice");
                seen[i] = true;
                assertEquals(i % 7, b.relation(k));
                assertEquals(3 * i + 1, b.rhs(k));
                assertEquals(weighted ? i + 0.5f : 1f, b.weight(k));
                moved += i != k ? 1 : 0;
            }
            assertTrue(moved > n * 9 / 10, moved + " of " + n + " edges moved");
            // the block still grows after the shuffle swapped its arrays
            b.add(1, n, 0);
            assertEquals(n + 1, b.size());
            assertEquals(n, b.lhs(n));
        }
    }

    /**
     * Every edge is equally likely at every position, and each pair of edges equally likely in either order: counted
     * over many shuffles of 32 edges in 8 groups, against the uniform permutation's expectation (chi-square).
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 3})
    void uniform(int bits) {
        int n = 32;
        int trials = 40_000;
        long[][] at = new long[n][n];
        long[][] before = new long[n][n];
        SplittableRandom random = new SplittableRandom(11);
        for (int t = 0; t < trials; t++) {
            EdgeBlock b = block(n, false);
            b.shuffle(random, bits);
            int[] pos = new int[n];
            for (int k = 0; k < n; k++) {
                at[b.lhs(k)][k]++;
                pos[b.lhs(k)] = k;
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (pos[i] < pos[j]) {
                        before[i][j]++;
                    }
                }
            }
        }
        double expected = (double) trials / n;
        double chi = 0;
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                chi += (at[i][k] - expected) * (at[i][k] - expected) / expected;
            }
        }
        // (n-1)^2 = 961 degrees of freedom: mean 961, sd 44; 1,150 is more than 4 sd out
        assertTrue(chi < 1_150, "positions: chi-square " + chi + " over 961 degrees of freedom");
        double worst = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                worst = Math.max(worst, Math.abs(before[i][j] - trials / 2.0) / Math.sqrt(trials / 4.0));
            }
        }
        // 496 pairs, each about normal with sd 1 under uniformity: 4.5 sd is beyond the largest of 496
        assertTrue(worst < 4.5, "a pair of edges keeps its order: " + worst + " sd from even");
    }

    @Test
    void groupsGrowWithTheBlock() {
        assertEquals(0, EdgeBlock.groupBits(10_000));
        assertEquals(0, EdgeBlock.groupBits(16_383));
        assertEquals(1, EdgeBlock.groupBits(16_384));
        assertEquals(10, EdgeBlock.groupBits(10_000_000));
        assertEquals(12, EdgeBlock.groupBits(Integer.MAX_VALUE - 8));
    }
}
