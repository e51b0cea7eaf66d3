package io.embark.embedding.kernel;

import io.embark.embedding.model.RelationParameters;

/**
 * A step, its gradients and the per-chunk optimizer, driven one chunk at a time as a test (or a benchmark) does:
 * {@link #train} is what a HOGWILD thread does with one chunk (compute, then apply unless the loss is not finite).
 * The gradient arrays are the {@link ChunkGradients}' own, for tests that read them.
 */
public final class StepDriver implements AutoCloseable {

    public final ChunkStep step;
    public final ChunkGradients gradients;
    public final Optimizer optimizer;
    public final float[] gradLhs;
    public final float[] gradRhs;
    public final float[] gradLhsNeg;
    public final float[] gradRhsNeg;

    public StepDriver(StepKernel kernel, RelationParameters relations, StepSettings settings, int capacity, int uniformCapacity,
                      int maxDim) {
        step = kernel.create(relations, settings, capacity, uniformCapacity, maxDim);
        gradients = new ChunkGradients(relations, capacity, uniformCapacity, maxDim);
        optimizer = new AdagradStep(relations, settings);
        gradLhs = gradients.lhs;
        gradRhs = gradients.rhs;
        gradLhsNeg = gradients.lhsNegatives;
        gradRhsNeg = gradients.rhsNegatives;
    }

    public static StepDriver blas(RelationParameters relations, StepSettings settings, int capacity, int uniformCapacity, int maxDim) {
        return new StepDriver(StepKernel.BLAS, relations, settings, capacity, uniformCapacity, maxDim);
    }

    public static StepDriver nd4j(RelationParameters relations, StepSettings settings, int capacity, int uniformCapacity, int maxDim) {
        return new StepDriver(StepKernel.ND4J, relations, settings, capacity, uniformCapacity, maxDim);
    }

    /** Computes the chunk's loss and gradients and applies them, unless the loss is not finite. */
    public double train(Chunk chunk) {
        double loss = step.computeGradients(chunk, gradients);
        if (Double.isFinite(loss)) {
            optimizer.add(chunk, gradients);
        }
        return loss;
    }

    public double computeGradients(Chunk chunk) {
        return step.computeGradients(chunk, gradients);
    }

    /** Applies the gradients of the last {@link #computeGradients}. */
    public void applyUpdates(Chunk chunk) {
        optimizer.add(chunk, gradients);
    }

    public float[] relationGradient(int r, int slot) {
        return gradients.relationOrNull(r, slot);
    }

    /** The regularization part of the last loss (the BLAS step keeps it apart). */
    public double lastRegularization() {
        return ((BlasChunkStep) step).lastRegularization();
    }

    @Override
    public void close() {
        step.close();
    }
}
