package io.embark.allreduce.buffer;

import io.embark.allreduce.ReduceOp;

import java.util.Arrays;

/**
 * Reduces element-wise across several buffers of one process and writes the result into every one
 * of them, in a single pass: each element of each buffer is read once and written once, with no
 * intermediate buffer larger than a small cache-resident chunk. This is the inner loop of the
 * shared-memory all-reduce, where every rank combines its own block straight out of all ranks'
 * buffers.
 *
 * <p>Worked example, two {@code float[]} buffers {@code a = [1, 2]} and {@code b = [10, 20]}, range
 * {@code [0, 2)}, {@code SUM}: both end as {@code [11, 22]}. Elements are combined in buffer order
 * ({@code ((b0 op b1) op b2) ...}) when every buffer gets the result, so it does not depend on
 * which thread computes it.
 */
public final class SharedReduction {
    /** Elements combined per chunk when there are more than two buffers: 16 KiB of floats, L1-resident. */
    static final int CHUNK = 4096;

    private SharedReduction() {
    }

    /**
     * For {@code k < len}: {@code v = bufs[0][offsets[0]+k] op bufs[1][offsets[1]+k] op ...}, then
     * {@code bufs[j][offsets[j]+k] = v} for every {@code j}. All buffers of one element type.
     */
    public static void reduceEverywhere(ElementBuffer[] bufs, int[] offsets, int len, ReduceOp op) {
        reduce(bufs, offsets, len, op, -1);
    }

    /** Like {@link #reduceEverywhere} but writes the result into {@code bufs[target]} alone. */
    public static void reduceInto(ElementBuffer[] bufs, int[] offsets, int len, ReduceOp op, int target) {
        if (target < 0 || target >= bufs.length) {
            throw new IllegalArgumentException("target " + target + " of " + bufs.length + " buffers");
        }
        reduce(bufs, offsets, len, op, target);
    }

    /** {@code target} -1: every buffer. */
    private static void reduce(ElementBuffer[] bufs, int[] offsets, int len, ReduceOp op, int target) {
        if (bufs.length != offsets.length) {
            throw new IllegalArgumentException(bufs.length + " buffers but " + offsets.length + " offsets");
        }
        for (ElementBuffer b : bufs) {
            bufs[0].checkSameType(b);
            ElementBuffer.checkReducible(op, b.type());
        }
        if (len == 0 || bufs.length == 1) {
            return;
        }
        ReduceOp wire = op.wireOp();
        boolean sameOffsets = Arrays.stream(offsets).allMatch(o -> o == offsets[0]);
        float[][] floats = floatArrays(bufs);
        if (floats != null && sameOffsets) {
            if (floats.length == 2 && wire == ReduceOp.SUM && target < 0) {
                sumBoth(floats[0], floats[1], offsets[0], offsets[0] + len);
            } else {
                reduceFloatsInPlace(floats, offsets[0], len, wire, target);
            }
            return;
        }
        if (floats != null) {
            reduceFloats(floats, offsets, len, wire, target);
            return;
        }
        double[][] doubles = doubleArrays(bufs);
        if (doubles != null && sameOffsets) {
            reduceDoublesInPlace(doubles, offsets[0], len, wire, target);
            return;
        }
        if (doubles != null) {
            reduceDoubles(doubles, offsets, len, wire, target);
            return;
        }
        reduceGeneric(bufs, offsets, len, wire, target);
    }

    /**
     * The common case (two ranks, gradients, same range in both arrays): one fused loop that reads
     * both and writes both, indexed by one variable so that C2 vectorizes it (see {@link Kernels}).
     */
    private static void sumBoth(float[] x, float[] y, int from, int to) {
        for (int k = from; k < to; k++) {
            float v = x[k] + y[k];
            x[k] = v;
            y[k] = v;
        }
    }

    /**
     * Same range in every array: chunk by chunk, combine the others into the accumulating array (the
     * target, or the first array when every array gets the result) and, for every array, copy that
     * chunk out while it is still in cache.
     */
    private static void reduceFloatsInPlace(float[][] a, int off, int len, ReduceOp op, int target) {
        int acc = Math.max(0, target);
        for (int from = off; from < off + len; from += CHUNK) {
            int to = Math.min(off + len, from + CHUNK);
            for (int j = 0; j < a.length; j++) {
                if (j != acc) {
                    Kernels.combineSameIndex(a[acc], a[j], from, to, op);
                }
            }
            for (int j = 0; j < a.length && target < 0; j++) {
                if (j != acc) {
                    System.arraycopy(a[acc], from, a[j], from, to - from);
                }
            }
        }
    }

    private static void reduceDoublesInPlace(double[][] a, int off, int len, ReduceOp op, int target) {
        int acc = Math.max(0, target);
        for (int from = off; from < off + len; from += CHUNK) {
            int to = Math.min(off + len, from + CHUNK);
            for (int j = 0; j < a.length; j++) {
                if (j != acc) {
                    Kernels.combineSameIndex(a[acc], a[j], from, to, op);
                }
            }
            for (int j = 0; j < a.length && target < 0; j++) {
                if (j != acc) {
                    System.arraycopy(a[acc], from, a[j], from, to - from);
                }
            }
        }
    }

    private static float[][] floatArrays(ElementBuffer[] bufs) {
        float[][] out = new float[bufs.length][];
        for (int j = 0; j < bufs.length; j++) {
            if (!(bufs[j] instanceof FloatElements f) || f.heapArray() == null) {
                return null;
            }
            out[j] = f.heapArray();
        }
        return out;
    }

    private static double[][] doubleArrays(ElementBuffer[] bufs) {
        double[][] out = new double[bufs.length][];
        for (int j = 0; j < bufs.length; j++) {
            if (!(bufs[j] instanceof DoubleElements d) || d.heapArray() == null) {
                return null;
            }
            out[j] = d.heapArray();
        }
        return out;
    }

    private static void reduceFloats(float[][] a, int[] o, int len, ReduceOp op, int target) {
        float[] tmp = new float[Math.min(CHUNK, len)];
        for (int done = 0; done < len; done += CHUNK) {
            int m = Math.min(CHUNK, len - done);
            System.arraycopy(a[0], o[0] + done, tmp, 0, m);
            for (int j = 1; j < a.length; j++) {
                Kernels.combine(tmp, 0, a[j], o[j] + done, m, op);
            }
            for (int j = 0; j < a.length; j++) {
                if (target < 0 || j == target) {
                    System.arraycopy(tmp, 0, a[j], o[j] + done, m);
                }
            }
        }
    }

    private static void reduceDoubles(double[][] a, int[] o, int len, ReduceOp op, int target) {
        double[] tmp = new double[Math.min(CHUNK, len)];
        for (int done = 0; done < len; done += CHUNK) {
            int m = Math.min(CHUNK, len - done);
            System.arraycopy(a[0], o[0] + done, tmp, 0, m);
            for (int j = 1; j < a.length; j++) {
                Kernels.combine(tmp, 0, a[j], o[j] + done, m, op);
            }
            for (int j = 0; j < a.length; j++) {
                if (target < 0 || j == target) {
                    System.arraycopy(tmp, 0, a[j], o[j] + done, m);
                }
            }
        }
    }

    /** NIO-backed buffers: the same order of operations through the buffers' own copy and combine. */
    private static void reduceGeneric(ElementBuffer[] bufs, int[] o, int len, ReduceOp op, int target) {
        ElementBuffer tmp = ElementBuffer.allocate(bufs[0].type(), Math.min(CHUNK, len));
        for (int done = 0; done < len; done += CHUNK) {
            int m = Math.min(CHUNK, len - done);
            tmp.copyFrom(bufs[0], o[0] + done, 0, m);
            for (int j = 1; j < bufs.length; j++) {
                tmp.combineFrom(bufs[j], o[j] + done, 0, m, op);
            }
            for (int j = 0; j < bufs.length; j++) {
                if (target < 0 || j == target) {
                    bufs[j].copyFrom(tmp, 0, o[j] + done, m);
                }
            }
        }
    }
}
