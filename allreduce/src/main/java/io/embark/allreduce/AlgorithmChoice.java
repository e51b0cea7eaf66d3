package io.embark.allreduce;

/** Which all-reduce schedule a {@link Communicator} runs. */
public enum AlgorithmChoice {
    /**
     * Direct through shared buffers when all ranks are threads of one JVM; otherwise hierarchical
     * (BlueConnect) when the topology has more than one level, a flat schedule otherwise; every
     * level's algorithm chosen by the cost model.
     */
    AUTO,
    /** Flat ring over all ranks. */
    RING,
    /** Flat recursive halving-doubling (folding non-powers of two). */
    HALVING_DOUBLING,
    /**
     * Each rank reduces its own block straight from every other rank; through shared buffers when
     * the ranks are threads of one JVM, by pairwise exchange otherwise.
     */
    DIRECT,
    /** Flat recursive doubling: whole-vector exchanges, for tiny messages. */
    RECURSIVE_DOUBLING,
    /** BlueConnect over the topology's levels, even when it has only one. */
    HIERARCHICAL
}
