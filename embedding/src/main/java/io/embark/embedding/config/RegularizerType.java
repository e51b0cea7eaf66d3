package io.embark.embedding.config;

/** Regularization of the embeddings and operator parameters of each positive edge. */
public enum RegularizerType {
    /** No regularization. */
    NONE,
    /** Weighted nuclear 3-norm (Lacroix et al. 2018): coefficient * sum |x|^3, with complex moduli for complex_diagonal. */
    N3;

    public static RegularizerType parse(String key, String value) {
        return ConfigChoice.parse(RegularizerType.class, key, value);
    }
}
