package io.embark.jobs.config;

/** Which synthetic graph {@code generate} writes. */
public enum GeneratorModel {
    /** R-MAT (Chakrabarti et al. 2004): recursive quadrant choice with probabilities a, b, c, d; power-law degrees. */
    RMAT,
    /**
     * Planted clusters: nodes fall into clusters; relation r links cluster k to cluster (k + r + 1) mod clusters,
     * with a fraction of random noise edges. Learnable structure for demos and training tests.
     */
    CLUSTERS
}
