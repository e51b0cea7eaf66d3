package io.embark.embedding.eval;

import java.io.Serializable;

/**
 * Which entities a hidden side is ranked against.
 * <ul>
 *   <li>{@link All}: every entity of the hidden side's type (exact ranking, as the literature reports it). Each ranking
 *       task holds all partitions of that type in memory.</li>
 *   <li>{@link Sampled}: {@code perEdge} entities drawn uniformly, with replacement, from the hidden entity's own
 *       partition (PyTorch-BigGraph's evaluation of huge graphs: only the bucket's two partitions are loaded). Draws
 *       equal to the hidden entity itself are dropped, and in filtered metrics so are draws that form a known true
 *       edge. The draws of an edge depend only on the seed and the edge's place in its bucket, so results do not
 *       depend on how the edges were split over tasks.</li>
 * </ul>
 */
public sealed interface Candidates extends Serializable {

    record All() implements Candidates {
        @Override
        public String toString() {
            return "all";
        }
    }

    record Sampled(int perEdge, long seed) implements Candidates {
        public Sampled {
            if (perEdge < 1) {
                throw new IllegalArgumentException("sampled candidates per edge: " + perEdge + " (expected >= 1)");
            }
        }

        @Override
        public String toString() {
            return perEdge + " sampled";
        }
    }
}
