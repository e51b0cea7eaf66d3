package io.embark.embedding.config;

/** The relation operators of PyTorch-BigGraph; see {@code io.embark.embedding.model.Operator} for the math. */
public enum OperatorType {
    NONE, TRANSLATION, DIAGONAL, LINEAR, AFFINE, COMPLEX_DIAGONAL;

    public static OperatorType parse(String key, String value) {
        return ConfigChoice.parse(OperatorType.class, key, value);
    }
}
