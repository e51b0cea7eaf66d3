package io.embark.allreduce.buffer;

import io.embark.allreduce.ReduceOp;

/** The element-wise combining loops, kept as plain counted loops so that C2 vectorizes them. */
final class Kernels {
    private Kernels() {
    }

    static void combine(float[] a, int ao, float[] b, int bo, int n, ReduceOp op) {
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
}
