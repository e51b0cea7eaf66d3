package io.embark.embedding.model;

import io.embark.embedding.config.OperatorType;

/**
 * A relation operator: maps the embedding x of the known side of an edge to a query vector that the comparator scores
 * against candidate embeddings of the other side. Parameters live in a flat float array at an offset; all methods work
 * on slices of caller-owned arrays so that the training step allocates nothing.
 *
 * <p>{@code adjoint} selects the operator's adjoint, used (when relations are not reciprocal) to predict the lhs from
 * the rhs with the same parameters: for a dot comparator and a linear operator A, {@code <A l, t> = <l, A^T t>}, so both
 * directions score the same triple identically. Adjoints: none -> none; translation x + b -> x - b; diagonal -> itself;
 * linear A x -> A^T x; affine A x + b -> A^T (x - b); complex_diagonal r * x -> conj(r) * x.
 */
public interface Operator {

    OperatorType type();

    /** Number of parameters for embeddings of dimension {@code dim}. */
    int parameterCount(int dim);

    /** Writes the identity operator's parameters ({@link io.embark.embedding.config.RelationInit#IDENTITY}). */
    void initialize(float[] p, int pOff, int dim);

    /**
     * Writes a random norm-preserving operator of this family ({@link io.embark.embedding.config.RelationInit#RANDOM});
     * {@code scale} is the embeddings' init scale (translations are drawn at it).
     */
    void initializeRandom(float[] p, int pOff, int dim, java.util.SplittableRandom random, double scale);

    /** {@code out = op(x)} (or its adjoint). */
    void apply(float[] p, int pOff, float[] x, int xOff, float[] out, int outOff, int dim, boolean adjoint);

    /**
     * Backpropagates {@code gOut = dL/d out}: adds {@code dL/dx} to {@code gx} and {@code dL/dp} to {@code gp}.
     */
    void backward(float[] p, int pOff, float[] x, int xOff, float[] gOut, int gOff, float[] gx, int gxOff, float[] gp, int gpOff,
                  int dim, boolean adjoint);

    /** True when embeddings are read as complex numbers (first half real parts, second half imaginary parts). */
    default boolean complex() {
        return false;
    }

    static Operator of(OperatorType type) {
        return switch (type) {
            case NONE -> new NoneOperator();
            case TRANSLATION -> new TranslationOperator();
            case DIAGONAL -> new DiagonalOperator();
            case LINEAR -> new LinearOperator(false);
            case AFFINE -> new LinearOperator(true);
            case COMPLEX_DIAGONAL -> new ComplexDiagonalOperator();
        };
    }
}
