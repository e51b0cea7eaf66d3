package io.embark.embedding.config;

import java.io.Serial;
import java.io.Serializable;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What is learned: embedding dimensions, the relations' operators, the comparator and the regularizer. Changing any
 * of these makes a checkpoint unusable, so {@link #compatibilityKeys()} is what a resume compares.
 *
 * @param dimension         embedding dimension of every entity type without an entry in {@code typeDimensions}
 * @param typeDimensions    per-entity-type dimension overrides (a relation's two sides must have equal dimensions)
 * @param comparator        dot, cos, l2 or squared_l2
 * @param relation          operator and weight of every relation without an entry in {@code relations}
 * @param relations         per-relation-name overrides (explicit schemas; with dynamic relations, names from the data)
 * @param reciprocal        true: every relation r gets a reciprocal r^-1 with its own operator parameters, and
 *                          predicting the lhs of (h, r, t) is predicting the rhs of (t, r^-1, h) (as in kbc's
 *                          ComplEx-N3 and PyTorch-BigGraph's dynamic relations); false: one operator per relation,
 *                          and lhs prediction applies its adjoint to the rhs
 * @param initScale         embeddings start as N(0, 1) * initScale
 * @param maxNorm           rows whose L2 norm exceeds this after an update are scaled back to it
 * @param regularizer       none or n3
 * @param regularization    the regularizer's coefficient (0 with {@code none})
 */
public record ModelConfig(
        int dimension,
        Map<String, Integer> typeDimensions,
        ComparatorType comparator,
        RelationConfig relation,
        Map<String, RelationConfig> relations,
        boolean reciprocal,
        double initScale,
        Optional<Double> maxNorm,
        RegularizerType regularizer,
        double regularization) implements Serializable {

    public ModelConfig {
        if (dimension <= 0) {
            throw new IllegalArgumentException("model.dimension: " + dimension + " (expected > 0)");
        }
        typeDimensions = Map.copyOf(typeDimensions);
        typeDimensions.forEach((type, d) -> {
            if (d <= 0) {
                throw new IllegalArgumentException("model.typeDimensions." + type + ": " + d + " (expected > 0)");
            }
        });
        if (comparator == null || relation == null || regularizer == null) {
            throw new IllegalArgumentException("model: comparator, relation and regularizer are required");
        }
        relations = Map.copyOf(relations);
        if (!(initScale > 0) || Double.isInfinite(initScale)) {
            throw new IllegalArgumentException("model.initScale: " + initScale + " (expected > 0)");
        }
        maxNorm.ifPresent(m -> {
            if (!(m > 0)) {
                throw new IllegalArgumentException("model.maxNorm: " + m + " (expected > 0)");
            }
        });
        if (!(regularization >= 0) || Double.isInfinite(regularization)) {
            throw new IllegalArgumentException("model.regularization: " + regularization + " (expected >= 0)");
        }
        if (regularizer == RegularizerType.NONE && regularization != 0) {
            throw new IllegalArgumentException("model.regularization: " + regularization
                    + " with model.regularizer = none (set model.regularizer = n3 or dura, or the coefficient to 0)");
        }
        if (regularizer == RegularizerType.DURA && comparator != ComparatorType.DOT) {
            throw new IllegalArgumentException("model.regularizer: dura is defined for model.comparator = dot (its terms are "
                    + "the norms of the two vectors a dot product scores), got " + comparator.name().toLowerCase(Locale.ROOT));
        }
        checkComplex("model.relation", relation, dimension, typeDimensions);
        for (Map.Entry<String, RelationConfig> e : relations.entrySet()) {
            checkComplex("model.relations." + e.getKey(), e.getValue(), dimension, typeDimensions);
        }
    }

    private static void checkComplex(String key, RelationConfig rc, int dimension, Map<String, Integer> typeDims) {
        if (rc.operator() == OperatorType.COMPLEX_DIAGONAL) {
            if (dimension % 2 != 0) {
                throw new IllegalArgumentException(key + ".operator: complex_diagonal needs an even model.dimension, got " + dimension);
            }
            typeDims.forEach((t, d) -> {
                if (d % 2 != 0) {
                    throw new IllegalArgumentException(key + ".operator: complex_diagonal needs even dimensions, model.typeDimensions."
                            + t + " = " + d);
                }
            });
        }
    }

    /**
     * Java serialization (a Spark task carries the config to its executor) writes a {@link Form}: the same fields with
     * the max norm as a nullable number, since {@link Optional} is not serializable; reading it runs the validation
     * of the canonical constructor again.
     */
    @Serial
    private Object writeReplace() {
        return new Form(dimension, new HashMap<>(typeDimensions), comparator, relation, new HashMap<>(relations), reciprocal,
                initScale, maxNorm.orElse(null), regularizer, regularization);
    }

    /** The serialized form of a {@link ModelConfig}. */
    private record Form(int dimension, HashMap<String, Integer> typeDimensions, ComparatorType comparator, RelationConfig relation,
                        HashMap<String, RelationConfig> relations, boolean reciprocal, double initScale, Double maxNorm,
                        RegularizerType regularizer, double regularization) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        @Serial
        private Object readResolve() {
            return new ModelConfig(dimension, typeDimensions, comparator, relation, relations, reciprocal, initScale,
                    Optional.ofNullable(maxNorm), regularizer, regularization);
        }
    }

    /** A simple model: one operator for all relations, weight 1, no per-type dimensions, no max norm, no regularizer. */
    public static ModelConfig simple(int dimension, OperatorType operator, ComparatorType comparator, boolean reciprocal) {
        return new ModelConfig(dimension, Map.of(), comparator, RelationConfig.of(operator), Map.of(), reciprocal, 1e-3,
                Optional.empty(), RegularizerType.NONE, 0);
    }

    public ModelConfig withRegularizer(RegularizerType type, double coefficient) {
        return new ModelConfig(dimension, typeDimensions, comparator, relation, relations, reciprocal, initScale, maxNorm, type, coefficient);
    }

    public ModelConfig withInitScale(double scale) {
        return new ModelConfig(dimension, typeDimensions, comparator, relation, relations, reciprocal, scale, maxNorm, regularizer, regularization);
    }

    public ModelConfig withMaxNorm(double norm) {
        return new ModelConfig(dimension, typeDimensions, comparator, relation, relations, reciprocal, initScale, Optional.of(norm),
                regularizer, regularization);
    }

    public int dimension(String entityType) {
        return typeDimensions.getOrDefault(entityType, dimension);
    }

    public RelationConfig relation(String name) {
        return relations.getOrDefault(name, relation);
    }

    /**
     * The keys whose values must match for a checkpoint to be resumed (the learned parameters' shapes and meaning),
     * as {@code model.*} key to value. initScale is left out: it only matters before the first epoch.
     */
    public Map<String, String> compatibilityKeys() {
        Map<String, String> m = new TreeMap<>();
        m.put("model.dimension", Integer.toString(dimension));
        typeDimensions.forEach((t, d) -> m.put("model.typeDimensions." + t, Integer.toString(d)));
        m.put("model.comparator", ConfigChoice.spelling(comparator));
        m.put("model.relation.operator", ConfigChoice.spelling(relation.operator()));
        relations.forEach((n, rc) -> m.put("model.relations." + n + ".operator", ConfigChoice.spelling(rc.operator())));
        m.put("model.reciprocal", Boolean.toString(reciprocal));
        return m;
    }

    /** Every key, for the record stored with a checkpoint. */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>(compatibilityKeys());
        m.put("model.relation.weight", Double.toString(relation.weight()));
        m.put("model.relation.init", ConfigChoice.spelling(relation.init()));
        relations.forEach((n, rc) -> {
            m.put("model.relations." + n + ".weight", Double.toString(rc.weight()));
            m.put("model.relations." + n + ".init", ConfigChoice.spelling(rc.init()));
        });
        m.put("model.initScale", Double.toString(initScale));
        m.put("model.maxNorm", maxNorm.map(String::valueOf).orElse("none"));
        m.put("model.regularizer", ConfigChoice.spelling(regularizer));
        m.put("model.regularization", Double.toString(regularization));
        return m;
    }
}
