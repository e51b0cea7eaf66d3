package io.embark.embedding.config;

/**
 * How relation operators start ({@code model.relation.init}).
 */
public enum RelationInit {
    /**
     * The identity (PyTorch-BigGraph's start): diagonal and complex_diagonal all ones, linear/affine the identity
     * matrix, translation 0. Every relation then first scores an entity's own row highest, so the query entity
     * outranks the true answer until training pushes it down.
     */
    IDENTITY,
    /**
     * A random operator of the same family that preserves norms: complex_diagonal unit-modulus numbers of random phase,
     * diagonal random signs, linear/affine a random orthogonal matrix (b = 0), translation N(0, 1) * model.initScale.
     * An entity's own row then scores near 0 in expectation, like any other row.
     */
    RANDOM,
    /**
     * Every parameter N(0, 1) * model.initScale, as small as the entities: Lacroix et al. (2018) start ComplEx-N3 this
     * way (all factors at 1e-3), so the relation is learned from near 0 rather than rotated from unit modulus. An
     * entity's own row scores near 0 as under {@link #RANDOM}.
     */
    GAUSSIAN;

    public static RelationInit parse(String key, String value) {
        return ConfigChoice.parse(RelationInit.class, key, value);
    }
}
