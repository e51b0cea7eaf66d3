package io.embark.embedding.kernel;

/**
 * The math of one chunk, and nothing else: gather the chunk's embeddings, apply the relation operators, score against
 * the batch and uniform negatives, and compute the loss and its gradients with respect to every row and relation
 * parameter the chunk touched, into a {@link ChunkGradients}. It changes no parameter: an {@link Optimizer} applies
 * the gradients, and threads, buckets and checkpoints live elsewhere. One instance per worker thread (it may own
 * preallocated buffers).
 *
 * <p>Implementations, chosen by {@code training.kernel} ({@link StepKernel}): {@link BlasChunkStep} (BLAS sgemm for the
 * products, Java for the rest; the CPU default) and {@link Nd4jChunkStep} (ND4J ops throughout; ND4J's CUDA backend
 * runs it on a GPU).
 */
public interface ChunkStep extends AutoCloseable {

    /**
     * Computes the loss of {@code chunk} (weighted, regularization included) and leaves its gradients in
     * {@code gradients}. A loss that is not finite means gradients that are not either: the caller applies nothing.
     */
    double computeGradients(Chunk chunk, ChunkGradients gradients);

    @Override
    void close();
}
