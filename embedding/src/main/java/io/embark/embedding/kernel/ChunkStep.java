package io.embark.embedding.kernel;

/**
 * The training step of one chunk: gather the chunk's embeddings, apply the relation operators, score against the
 * batch and uniform negatives, compute the loss and its gradients, and apply row-wise Adagrad to the embeddings and
 * element-wise Adagrad to the relation parameters. One instance per worker thread (it owns preallocated buffers);
 * instances share the tables and relation parameters without locks (HOGWILD).
 *
 * <p>Implementations: {@link BlasChunkStep} (BLAS sgemm for the products, Java for the rest; the CPU default) and
 * {@link Nd4jChunkStep} (ND4J ops throughout; for ND4J's CUDA backend and as the fast one's cross-check).
 */
public interface ChunkStep extends AutoCloseable {

    /** Trains on {@code chunk}; returns its weighted loss (regularization included). */
    double train(Chunk chunk);

    @Override
    void close();
}
