package io.embark.embedding.model;

import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.RelationConfig;
import java.util.List;

/**
 * The operator parameters of every relation type with their element-wise Adagrad accumulators. Relation r has one
 * parameter slot per prediction direction when relations are reciprocal ({@link #RHS_SLOT}: predict the rhs of
 * (l, r, ?); {@link #LHS_SLOT}: the lhs of (?, r, t), i.e. the rhs of (t, r^-1, ?)); otherwise one slot, whose adjoint
 * predicts the lhs.
 */
public final class RelationParameters {

    public static final int RHS_SLOT = 0;
    public static final int LHS_SLOT = 1;

    private final Operator[] operators;
    private final float[] weights;
    private final int[] dims;
    private final boolean reciprocal;
    private final float[][][] params;
    private final float[][][] state;

    private RelationParameters(Operator[] operators, float[] weights, int[] dims, boolean reciprocal) {
        this.operators = operators;
        this.weights = weights;
        this.dims = dims;
        this.reciprocal = reciprocal;
        int slots = reciprocal ? 2 : 1;
        params = new float[operators.length][slots][];
        state = new float[operators.length][slots][];
        for (int r = 0; r < operators.length; r++) {
            int n = operators[r].parameterCount(dims[r]);
            for (int s = 0; s < slots; s++) {
                params[r][s] = new float[n];
                state[r][s] = new float[n];
                operators[r].initialize(params[r][s], 0, dims[r]);
            }
        }
    }

    /** Relation {@code r} has the name {@code names.get(r)} and dimension {@code dims[r]} (its sides' dimension). */
    public static RelationParameters create(ModelConfig model, List<String> names, int[] dims) {
        Operator[] ops = new Operator[names.size()];
        float[] weights = new float[names.size()];
        for (int r = 0; r < ops.length; r++) {
            RelationConfig rc = model.relation(names.get(r));
            ops[r] = Operator.of(rc.operator());
            weights[r] = (float) rc.weight();
        }
        return new RelationParameters(ops, weights, dims.clone(), model.reciprocal());
    }

    public int count() {
        return operators.length;
    }

    public boolean reciprocal() {
        return reciprocal;
    }

    public int slots() {
        return reciprocal ? 2 : 1;
    }

    public Operator operator(int r) {
        return operators[r];
    }

    public float weight(int r) {
        return weights[r];
    }

    public int dim(int r) {
        return dims[r];
    }

    /** The parameter slot used to predict {@code lhs ? LHS : RHS}. */
    public int slot(boolean predictLhs) {
        return predictLhs && reciprocal ? LHS_SLOT : RHS_SLOT;
    }

    /** Whether predicting that side applies the adjoint of the slot's operator. */
    public boolean adjoint(boolean predictLhs) {
        return predictLhs && !reciprocal;
    }

    public float[] params(int r, int slot) {
        return params[r][slot];
    }

    public float[] state(int r, int slot) {
        return state[r][slot];
    }

    public int maxParameterCount() {
        int max = 0;
        for (int r = 0; r < operators.length; r++) {
            max = Math.max(max, params[r][0].length);
        }
        return max;
    }
}
