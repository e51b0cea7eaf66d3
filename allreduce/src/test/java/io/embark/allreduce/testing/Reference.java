package io.embark.allreduce.testing;

import io.embark.allreduce.ReduceOp;

import java.util.SplittableRandom;

/** Deterministic per-rank inputs and the double-precision reference results they should reduce to. */
public final class Reference {
    private Reference() {
    }

    public static float[] floats(int rank, int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + rank);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextDouble(-1, 1);
        }
        return a;
    }

    public static double[] doubles(int rank, int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + rank);
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = rnd.nextDouble(-1, 1);
        }
        return a;
    }

    /** Reference of op over the ranks' inputs, in double; {@code abs} receives the sum of magnitudes. */
    public static double[] reduce(double[][] inputs, ReduceOp op, double[] abs) {
        int n = inputs[0].length;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double acc = op == ReduceOp.MAX ? Double.NEGATIVE_INFINITY : 0;
            double a = 0;
            for (double[] in : inputs) {
                acc = op == ReduceOp.MAX ? Math.max(acc, in[i]) : acc + in[i];
                a += Math.abs(in[i]);
            }
            out[i] = op == ReduceOp.MEAN ? acc / inputs.length : acc;
            abs[i] = a;
        }
        return out;
    }

    public static double[] widen(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    /** Fails with the first element farther than {@code relTol * abs[i] + 1e-30} from the reference. */
    public static void check(String what, double[] expected, double[] abs, double[] got, double relTol) {
        if (got.length != expected.length) {
            throw new AssertionError(what + ": length " + got.length + ", expected " + expected.length);
        }
        for (int i = 0; i < got.length; i++) {
            double tol = relTol * abs[i] + 1e-30;
            if (!(Math.abs(got[i] - expected[i]) <= tol)) {
                throw new AssertionError(what + ": element " + i + " is " + got[i] + ", expected " + expected[i]
                        + " (tolerance " + tol + ")");
            }
        }
    }
}
