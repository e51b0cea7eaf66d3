package io.embark.embedding.eval;

import io.embark.partitioning.ImportManifest;
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
 *       depend on how the edges were split over tasks. A sample larger than its partition's other entities is
 *       refused ({@link Sampled#requireDrawable}).</li>
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

        /**
         * Refuses a sample larger than the set it is drawn from. The hidden entity of a partition of n entities has
         * n - 1 other candidates there; more draws than that (with replacement) only repeat some of them, and every
         * repeat of a candidate that outscores the hidden entity worsens its rank, so the metrics come out worse than
         * ranking against all entities. Every non-empty partition of every entity type a relation ranks against must
         * hold more than {@code perEdge} entities.
         *
         * @throws IllegalArgumentException naming {@code eval.candidates}, the smallest such partition and its size
         */
        public void requireDrawable(ImportManifest manifest) {
            ImportManifest.EntityTypeInfo smallestType = null;
            int smallestPartition = -1;
            long smallest = Long.MAX_VALUE;
            for (ImportManifest.RelationInfo r : manifest.relations()) {
                for (String type : new String[] {r.lhsType(), r.rhsType()}) {
                    ImportManifest.EntityTypeInfo t = manifest.entityType(type);
                    for (int p = 0; p < t.partitionCounts().length; p++) {
                        long n = t.partitionCounts()[p];
                        if (n > 0 && n < smallest) {
                            smallest = n;
                            smallestType = t;
                            smallestPartition = p;
                        }
                    }
                }
            }
            if (smallestType != null && perEdge > smallest - 1) {
                throw new IllegalArgumentException(String.format("eval.candidates: %d sampled per edge, but partition %d of entity type "
                        + "'%s' holds %,d entities, so a hidden entity there has %,d others to draw from (expected at most %d, or "
                        + "eval.candidates = all to rank against all %,d entities of the type)", perEdge, smallestPartition,
                        smallestType.name(), smallest, smallest - 1, smallest - 1, smallestType.count()));
            }
        }
    }
}
