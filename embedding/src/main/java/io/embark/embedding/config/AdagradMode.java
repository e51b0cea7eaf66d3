package io.embark.embedding.config;

/** The Adagrad accumulators of the entity embeddings ({@code training.adagrad}). */
public enum AdagradMode {
    /**
     * One accumulator per row, fed the mean squared gradient of the row (PyTorch-BigGraph): one float of optimizer
     * state per entity.
     */
    ROWWISE,
    /**
     * One accumulator per coordinate (plain Adagrad, as Lacroix et al. 2018 train ComplEx-N3): dim floats of optimizer
     * state per entity, so tables take twice the memory; each coordinate gets its own step size.
     */
    ELEMENTWISE
}
