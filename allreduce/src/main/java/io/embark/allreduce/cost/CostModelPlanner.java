package io.embark.allreduce.cost;

import io.embark.allreduce.algorithm.AllReduceAlgorithm;
import io.embark.allreduce.algorithm.LevelPlanner;
import io.embark.allreduce.algorithm.RecursiveDoublingAllReduce;
import io.embark.allreduce.algorithm.RecursiveHalvingDoubling;
import io.embark.allreduce.algorithm.RingAllReduce;
import io.embark.allreduce.algorithm.ShardedCollective;

/**
 * Chooses each level's algorithm by the smallest alpha-beta time under a {@link CostModel}; ties go
 * to the ring (neighbour-only traffic, the friendliest to real networks). Deterministic: every rank
 * with the same model makes the same choice.
 */
public final class CostModelPlanner implements LevelPlanner {
    private static final double TIE = 1.02;
    private final CostModel model;
    private final RingAllReduce ring = new RingAllReduce();
    private final RecursiveHalvingDoubling halving = new RecursiveHalvingDoubling();
    private final RecursiveDoublingAllReduce doubling = new RecursiveDoublingAllReduce();

    public CostModelPlanner(CostModel model) {
        this.model = model;
    }

    public CostModel model() {
        return model;
    }

    @Override
    public ShardedCollective sharded(int level, int groupSize, long bytes) {
        LinkCost c = model.level(level);
        if (halving.supportsShards(groupSize)
                && CostFormulas.halvingHalf(groupSize, bytes, c) * TIE < CostFormulas.ringHalf(groupSize, bytes, c)) {
            return halving;
        }
        return ring;
    }

    @Override
    public AllReduceAlgorithm allReduce(int level, int groupSize, long bytes) {
        LinkCost c = model.level(level);
        double ringT = CostFormulas.ringAllReduce(groupSize, bytes, c);
        double hdT = CostFormulas.halvingDoublingAllReduce(groupSize, bytes, c);
        double rdT = CostFormulas.recursiveDoublingAllReduce(groupSize, bytes, c);
        AllReduceAlgorithm best = ring;
        double bestT = ringT;
        if (hdT * TIE < bestT) {
            best = halving;
            bestT = hdT;
        }
        if (rdT * TIE < bestT) {
            best = doubling;
        }
        return best;
    }
}
