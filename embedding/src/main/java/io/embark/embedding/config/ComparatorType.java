package io.embark.embedding.config;

/** How a query vector and a candidate embedding become a score. */
public enum ComparatorType {
    DOT, COS, L2, SQUARED_L2;

    public static ComparatorType parse(String key, String value) {
        return ConfigChoice.parse(ComparatorType.class, key, value);
    }
}
