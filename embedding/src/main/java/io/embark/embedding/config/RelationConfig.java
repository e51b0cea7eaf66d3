package io.embark.embedding.config;

/**
 * The model of one relation type (or, with dynamic relations, of all of them): its operator, the weight its edges'
 * losses are multiplied by, and how its operator starts.
 */
public record RelationConfig(OperatorType operator, double weight, RelationInit init) implements java.io.Serializable {

    public RelationConfig {
        if (operator == null) {
            throw new IllegalArgumentException("model.relation.operator: missing");
        }
        if (init == null) {
            throw new IllegalArgumentException("model.relation.init: missing");
        }
        if (!(weight > 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("model.relation.weight: " + weight + " (expected > 0)");
        }
    }

    /** Weight 1 and the default start, {@link RelationInit#RANDOM} (docs/training.md, "The query-entity problem"). */
    public static RelationConfig of(OperatorType operator) {
        return new RelationConfig(operator, 1.0, RelationInit.RANDOM);
    }
}
