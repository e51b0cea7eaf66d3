package io.embark.embedding.kernel;

import io.embark.embedding.model.RelationParameters;

/**
 * The implementations of {@link ChunkStep}, as {@code training.kernel} names them. A new step is one class and one
 * value here.
 */
public enum StepKernel {
    /** {@link BlasChunkStep}: OpenBLAS sgemm and Java loops, nothing allocated per chunk; the fastest on a CPU. */
    BLAS(BlasChunkStep::new),
    /** {@link Nd4jChunkStep}: ND4J array operations; runs where ND4J's backend runs (its CUDA backend: a GPU). */
    ND4J(Nd4jChunkStep::new);

    /** How a kernel builds a step. */
    @FunctionalInterface
    public interface Factory {
        ChunkStep create(RelationParameters relations, StepSettings settings, int capacity, int uniformCapacity, int maxDim);
    }

    private final Factory factory;

    StepKernel(Factory factory) {
        this.factory = factory;
    }

    /**
     * A step for chunks of up to {@code capacity} edges and {@code uniformCapacity} negatives per side, of dimension up
     * to {@code maxDim}, training {@code relations}.
     */
    public ChunkStep create(RelationParameters relations, StepSettings settings, int capacity, int uniformCapacity, int maxDim) {
        return factory.create(relations, settings, capacity, uniformCapacity, maxDim);
    }
}
