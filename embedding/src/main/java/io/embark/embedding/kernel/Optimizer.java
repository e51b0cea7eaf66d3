package io.embark.embedding.kernel;

/**
 * Applies the gradients a {@link ChunkStep} computed: Adagrad, row-wise (or element-wise, as the table keeps it) for
 * the embeddings and element-wise for the relation parameters. {@link #add} takes one chunk's gradients;
 * {@link #flush} applies whatever is still pending. One instance per worker thread; it updates the shared tables and
 * relation parameters without locks (HOGWILD).
 *
 * <p>Implementations: {@link AdagradStep} (an update per chunk: add applies at once) and {@link GradientAccumulator}
 * (an update per batch of chunks, PyTorch-BigGraph's batch_size: the chunks' gradients are summed and every touched
 * row gets one update).
 */
public interface Optimizer {

    /** Takes the gradients of {@code chunk} that a step left in {@code gradients}. */
    void add(Chunk chunk, ChunkGradients gradients);

    /** Applies what is pending (nothing for a per-chunk optimizer). */
    void flush();

    /** The optimizer for {@code settings}: a step per chunk, or a step per {@link StepSettings#chunksPerStep} chunks. */
    static Optimizer of(io.embark.embedding.model.RelationParameters relations, StepSettings settings) {
        return settings.chunksPerStep() > 1 ? new GradientAccumulator(relations, settings) : new AdagradStep(relations, settings);
    }
}
