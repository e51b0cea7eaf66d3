package io.embark.embedding.config;

/** The loss over one positive score and its negatives' scores. */
public enum LossType {
    RANKING, LOGISTIC, SOFTMAX;

    public static LossType parse(String key, String value) {
        return ConfigChoice.parse(LossType.class, key, value);
    }
}
