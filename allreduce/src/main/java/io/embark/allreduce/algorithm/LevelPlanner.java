package io.embark.allreduce.algorithm;

/**
 * Picks the algorithm for each level of a hierarchical collective from the level, the size of the
 * group at that level and the bytes that group moves. Every rank must get the same answers for the
 * same arguments (planners are deterministic and configured identically everywhere).
 */
public interface LevelPlanner {

    /** The reduce-scatter / all-gather pair for a lower level. */
    ShardedCollective sharded(int level, int groupSize, long bytes);

    /** The all-reduce for the outermost level (reduce-scatter and all-gather fused). */
    AllReduceAlgorithm allReduce(int level, int groupSize, long bytes);

    /** The same algorithm at every level: ring where it can, or a fixed choice. */
    static LevelPlanner fixed(ShardedCollective sharded) {
        ShardedCollective ring = new RingAllReduce();
        return new LevelPlanner() {
            @Override
            public ShardedCollective sharded(int level, int groupSize, long bytes) {
                return sharded.supportsShards(groupSize) ? sharded : ring;
            }

            @Override
            public AllReduceAlgorithm allReduce(int level, int groupSize, long bytes) {
                return sharded;
            }
        };
    }
}
