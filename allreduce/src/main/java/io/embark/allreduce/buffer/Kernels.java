package io.embark.allreduce.buffer;

import io.embark.allreduce.ReduceOp;

/**
 * The element-wise combining loops, kept as plain counted loops so that C2 vectorizes them. When both
 * ranges start at the same index the loops index both arrays with one variable: C2 (JDK 17) then
 * vectorizes without worrying that the two arrays might be one array at overlapping offsets, which
 * measured 1.3-2x faster on 100 MB than the two-offset form.
 */
final class Kernels {
    private Kernels() {
    }

    static void combine(float[] a, int ao, float[] b, int bo, int n, ReduceOp op) {
        if (ao == bo) {
            combineSameIndex(a, b, ao, ao + n, op);
            return;
        }
        switch (op.wireOp()) {
            case SUM:
                for (int i = 0; i < n; i++) {
                    a[ao + i] += b[bo + i];
                }
                break;
            case MAX:
                for (int i = 0; i < n; i++) {
                    a[ao + i] = Math.max(a[ao + i], b[bo + i]);
                }
                break;
            default:
                throw new IllegalArgumentException("not a wire op: " + op);
        }
    }

    static void combine(double[] a, int ao, double[] b, int bo, int n, ReduceOp op) {
        if (ao == bo) {
            combineSameIndex(a, b, ao, ao + n, op);
            return;
        }
        switch (op.wireOp()) {
            case SUM:
                for (int i = 0; i < n; i++) {
                    a[ao + i] += b[bo + i];
                }
                break;
            case MAX:
                for (int i = 0; i < n; i++) {
                    a[ao + i] = Math.max(a[ao + i], b[bo + i]);
                }
                break;
            default:
                throw new IllegalArgumentException("not a wire op: " + op);
        }
    }

    /** {@code a[k] = op(a[k], b[k])} for {@code k} in {@code [from, to)}. */
    static void combineSameIndex(float[] a, float[] b, int from, int to, ReduceOp op) {
        switch (op.wireOp()) {
            case SUM:
                for (int k = from; k < to; k++) {
                    a[k] += b[k];
                }
                break;
            case MAX:
                for (int k = from; k < to; k++) {
                    a[k] = Math.max(a[k], b[k]);
                }
                break;
            default:
                throw new IllegalArgumentException("not a wire op: " + op);
        }
    }

    /** {@code a[k] = op(a[k], b[k])} for {@code k} in {@code [from, to)}. */
    static void combineSameIndex(double[] a, double[] b, int from, int to, ReduceOp op) {
        switch (op.wireOp()) {
            case SUM:
                for (int k = from; k < to; k++) {
                    a[k] += b[k];
                }
                break;
            case MAX:
                for (int k = from; k < to; k++) {
                    a[k] = Math.max(a[k], b[k]);
                }
                break;
            default:
                throw new IllegalArgumentException("not a wire op: " + op);
        }
    }
}
