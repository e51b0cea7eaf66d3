package io.embark.embedding.model;

import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.RelationConfig;
import io.embark.embedding.config.OperatorType;
import io.embark.embedding.config.RelationInit;
import io.embark.partitioning.Side;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;

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
    /** Relations whose parameters no optimizer step changes ({@code training.freeze = existing}). */
    private final boolean[] frozen;

    private RelationParameters(Operator[] operators, float[] weights, int[] dims, boolean reciprocal) {
        this(operators, weights, dims, reciprocal, null, 0);
    }

    /**
     * {@code inits[r]} (null: all identity) says how relation r's operators start; random ones are seeded by the
     * relation's index and slot, so that every run (and every worker) of a model starts from the same operators.
     */
    private RelationParameters(Operator[] operators, float[] weights, int[] dims, boolean reciprocal, RelationInit[] inits,
                               double scale) {
        this.operators = operators;
        this.weights = weights;
        this.dims = dims;
        this.reciprocal = reciprocal;
        this.frozen = new boolean[operators.length];
        int slots = reciprocal ? 2 : 1;
        params = new float[operators.length][slots][];
        state = new float[operators.length][slots][];
        for (int r = 0; r < operators.length; r++) {
            int n = operators[r].parameterCount(dims[r]);
            for (int s = 0; s < slots; s++) {
                params[r][s] = new float[n];
                state[r][s] = new float[n];
                RelationInit init = inits == null ? RelationInit.IDENTITY : inits[r];
                SplittableRandom random = new SplittableRandom(0x4E4C2F52L * (2L * r + s + 1));
                if (init == RelationInit.RANDOM) {
                    operators[r].initializeRandom(params[r][s], 0, dims[r], random, scale);
                } else if (init == RelationInit.GAUSSIAN) {
                    for (int i = 0; i < n; i++) {
                        params[r][s][i] = (float) (random.nextGaussian() * scale);
                    }
                } else {
                    operators[r].initialize(params[r][s], 0, dims[r]);
                }
            }
        }
    }

    /** Relation {@code r} has the name {@code names.get(r)} and dimension {@code dims[r]} (its sides' dimension). */
    public static RelationParameters create(ModelConfig model, List<String> names, int[] dims) {
        Operator[] ops = new Operator[names.size()];
        float[] weights = new float[names.size()];
        RelationInit[] inits = new RelationInit[names.size()];
        for (int r = 0; r < ops.length; r++) {
            RelationConfig rc = model.relation(names.get(r));
            ops[r] = Operator.of(rc.operator());
            weights[r] = (float) rc.weight();
            inits[r] = rc.init();
        }
        return new RelationParameters(ops, weights, dims.clone(), model.reciprocal(), inits, model.initScale());
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

    /** The parameter slot used to predict side {@code predicted}. */
    public int slot(Side predicted) {
        return predicted == Side.LHS && reciprocal ? LHS_SLOT : RHS_SLOT;
    }

    /** Whether predicting side {@code predicted} applies the adjoint of the slot's operator. */
    public boolean adjoint(Side predicted) {
        return predicted == Side.LHS && !reciprocal;
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

    /**
     * Writes every relation's operator type, weight, dimension and each slot's parameters and accumulators
     * (big-endian, {@link DataOutput}): the relation part of a checkpoint, readable without the config.
     */
    public void write(DataOutput out) throws IOException {
        out.writeInt(0x524C5031); // "RLP1"
        out.writeInt(operators.length);
        out.writeBoolean(reciprocal);
        for (int r = 0; r < operators.length; r++) {
            out.writeUTF(operators[r].type().name());
            out.writeFloat(weights[r]);
            out.writeInt(dims[r]);
            for (int slot = 0; slot < slots(); slot++) {
                writeFloats(out, params[r][slot]);
                writeFloats(out, state[r][slot]);
            }
        }
    }

    /**
     * Reads what {@link #write} wrote; {@code bytes} (the length of what {@code in} holds) bounds every count read, so
     * that a damaged count is refused before anything is allocated.
     */
    public static RelationParameters read(DataInput in, String source, long bytes) throws IOException {
        if (in.readInt() != 0x524C5031) {
            throw new IOException(source + ": not a relation parameter file (bad magic)");
        }
        int count = in.readInt();
        if (count < 0 || count > bytes) {
            throw new IOException(source + ": says " + count + " relations, more than its " + bytes + " bytes hold");
        }
        boolean reciprocal = in.readBoolean();
        Operator[] ops = new Operator[count];
        float[] weights = new float[count];
        int[] dims = new int[count];
        float[][][] p = new float[count][reciprocal ? 2 : 1][];
        float[][][] st = new float[count][reciprocal ? 2 : 1][];
        for (int r = 0; r < count; r++) {
            ops[r] = Operator.of(OperatorType.valueOf(in.readUTF()));
            weights[r] = in.readFloat();
            dims[r] = in.readInt();
            for (int slot = 0; slot < p[r].length; slot++) {
                p[r][slot] = readFloats(in, source, bytes);
                st[r][slot] = readFloats(in, source, bytes);
            }
        }
        RelationParameters rp = new RelationParameters(ops, weights, dims, reciprocal);
        for (int r = 0; r < count; r++) {
            for (int slot = 0; slot < p[r].length; slot++) {
                System.arraycopy(p[r][slot], 0, rp.params[r][slot], 0, p[r][slot].length);
                System.arraycopy(st[r][slot], 0, rp.state[r][slot], 0, st[r][slot].length);
            }
        }
        return rp;
    }

    /** Keeps relation {@code r}'s parameters (and accumulators) fixed: the optimizers skip it. */
    public void freeze(int r) {
        frozen[r] = true;
    }

    /** Whether relation {@code r} is kept fixed ({@link #freeze}). */
    public boolean frozen(int r) {
        return frozen[r];
    }

    /**
     * Takes relation {@code r}'s parameters and accumulators from relation {@code from} of {@code other} (a warm
     * start); refused when the two differ in operator, dimension or slots.
     */
    public void copyRelation(int r, RelationParameters other, int from, String name) {
        if (other.operators[from].type() != operators[r].type() || other.dims[from] != dims[r] || other.reciprocal != reciprocal) {
            throw new IllegalArgumentException("relation '" + name + "': the init checkpoint has operator " + other.operators[from].type()
                    + ", dimension " + other.dims[from] + (other.reciprocal ? ", reciprocal" : "") + "; this model has "
                    + operators[r].type() + ", dimension " + dims[r] + (reciprocal ? ", reciprocal" : "")
                    + " (training.init: a warm start keeps the model's shape)");
        }
        for (int slot = 0; slot < slots(); slot++) {
            System.arraycopy(other.params[from][slot], 0, params[r][slot], 0, params[r][slot].length);
            System.arraycopy(other.state[from][slot], 0, state[r][slot], 0, state[r][slot].length);
        }
    }

    /** A deep copy (for tests that compare two step implementations from the same start). */
    public RelationParameters copy() {
        RelationParameters rp = new RelationParameters(operators, weights, dims, reciprocal);
        for (int r = 0; r < operators.length; r++) {
            for (int slot = 0; slot < slots(); slot++) {
                System.arraycopy(params[r][slot], 0, rp.params[r][slot], 0, params[r][slot].length);
                System.arraycopy(state[r][slot], 0, rp.state[r][slot], 0, state[r][slot].length);
            }
        }
        return rp;
    }

    private static void writeFloats(DataOutput out, float[] v) throws IOException {
        out.writeInt(v.length);
        for (float f : v) {
            out.writeFloat(f);
        }
    }

    private static float[] readFloats(DataInput in, String source, long bytes) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > bytes / 4) {
            throw new IOException(source + ": says " + n + " floats, more than its " + bytes + " bytes hold");
        }
        float[] v = new float[n];
        for (int i = 0; i < v.length; i++) {
            v[i] = in.readFloat();
        }
        return v;
    }
}
