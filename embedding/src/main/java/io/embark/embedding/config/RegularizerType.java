package io.embark.embedding.config;

/** Regularization of the embeddings and operator parameters of each positive edge. */
public enum RegularizerType {
    /** No regularization. */
    NONE,
    /** Weighted nuclear 3-norm (Lacroix et al. 2018): coefficient * sum |x|^3, with complex moduli for complex_diagonal. */
    N3,
    /**
     * Duality-induced regularizer (Zhang et al. 2020, "DURA"): coefficient * (|q|^2 + |c|^2) for each direction of each
     * positive edge, q the query (source row through the relation's operator, {@code h * r} for complex_diagonal) and c
     * the answer's row; for complex_diagonal with both directions this is the paper's
     * {@code |h R|^2 + |t|^2 + |t conj(R)|^2 + |h|^2}. Defined for the dot comparator (the score is then {@code q . c}).
     */
    DURA;

    public static RegularizerType parse(String key, String value) {
        return ConfigChoice.parse(RegularizerType.class, key, value);
    }
}
