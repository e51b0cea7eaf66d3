package io.embark.allreduce;

/** Which all-reduce schedule a {@link Communicator} runs. */
public enum AlgorithmChoice {
    /**
     * Hierarchical (BlueConnect) when the topology has more than one level, a flat schedule otherwise;
     * every level's algorithm chosen by the cost model.
     */
    AUTO,
    /** Flat ring over all ranks. */
    RING,
    /** Flat recursive halving-doubling (folding non-powers of two). */
    HALVING_DOUBLING,
    /** Flat recursive doubling: whole-vector exchanges, for tiny messages. */
    RECURSIVE_DOUBLING,
    /** BlueConnect over the topology's levels, even when it has only one. */
    HIERARCHICAL
}
