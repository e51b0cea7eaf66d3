package io.embark.embedding.bench;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;

/**
 * GFLOP/s of the chunk step's sgemm calls, one BLAS thread, with PyTorch-BigGraph's FB15k shapes (n = 50 edges,
 * m = 1,050 candidates, dimension d), next to a large square product (what this BLAS reaches at best) and the layouts
 * one could use instead, and the two directions' products with one shared draw of uniform negatives (100 query rows
 * against 1,100 candidates) against two separate ones. Arguments: d (400) iterations (300). It calls OpenBLAS through
 * JavaCPP only (no ND4J), so {@code scripts/bench-sgemm.sh} can run it on another OpenBLAS build as well; one BLAS
 * thread comes from OPENBLAS_NUM_THREADS=1.
 */
public final class SgemmShapes {

    private static final int ROW_MAJOR = 101;
    private static final int N = 111;
    private static final int T = 112;

    private SgemmShapes() {
    }

    public static void main(String[] args) {
        int d = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        int n = 50;
        int m = 1050;
        int big = 1024;
        FloatPointer q = random(n * d);
        FloatPointer c = random((long) m * d);
        FloatPointer s = random((long) n * m);
        FloatPointer out = random((long) m * d);
        FloatPointer a = random((long) big * big);
        FloatPointer b = random((long) big * big);
        FloatPointer ab = random((long) big * big);
        FloatPointer q2 = random(2L * n * d);
        FloatPointer c2 = random((long) (m + n) * d);
        FloatPointer s2 = random(2L * n * (m + n));
        FloatPointer out2 = random((long) (m + n) * d);
        String[] names = {
            "scores S = Q C^T (the step)", "scores transposed S^T = C Q^T",
            "query gradients G C (the step)", "candidate gradients G^T Q (the step)",
            "candidate gradients transposed Q^T G", "square 1024 x 1024 x 1024",
            "both directions, 3 products each (the step)", "both directions sharing the negatives",
            "query gradients from G^T: (G^T)^T C", "candidate gradients from G^T: G^T Q",
            "query gradients transposed C^T G^T", "both directions, transposed scores S^T",
            "sharing the negatives, transposed scores S^T"};
        long[] flops = {2L * n * m * d, 2L * n * m * d, 2L * n * m * d, 2L * n * m * d, 2L * n * m * d, 2L * big * big * big,
            12L * n * m * d, 6L * (2 * n) * (m + n) * d, 2L * n * m * d, 2L * n * m * d, 2L * n * m * d, 12L * n * m * d,
            6L * (2 * n) * (m + n) * d};
        for (int round = 0; round < 3; round++) {
            for (int v = 0; v < names.length; v++) {
                int iters = v == 5 ? Math.max(1, iterations / 20) : iterations;
                long t0 = System.nanoTime();
                for (int it = 0; it < iters; it++) {
                    switch (v) {
                        case 0 -> openblas.cblas_sgemm(ROW_MAJOR, N, T, n, m, d, 1f, q, d, c, d, 0f, s, m);
                        case 1 -> openblas.cblas_sgemm(ROW_MAJOR, N, T, m, n, d, 1f, c, d, q, d, 0f, s, n);
                        case 2 -> openblas.cblas_sgemm(ROW_MAJOR, N, N, n, d, m, 1f, s, m, c, d, 0f, out, d);
                        case 3 -> openblas.cblas_sgemm(ROW_MAJOR, T, N, m, d, n, 1f, s, m, q, d, 0f, out, d);
                        case 4 -> openblas.cblas_sgemm(ROW_MAJOR, T, N, d, m, n, 1f, q, d, s, m, 0f, out, m);
                        case 5 -> openblas.cblas_sgemm(ROW_MAJOR, N, N, big, big, big, 1f, a, big, b, big, 0f, ab, big);
                        case 6 -> {
                            pass(n, m, d, q, c, s, out);
                            pass(n, m, d, q, c, s, out);
                        }
                        case 7 -> pass(2 * n, m + n, d, q2, c2, s2, out2);
                        case 8 -> openblas.cblas_sgemm(ROW_MAJOR, T, N, n, d, m, 1f, s, n, c, d, 0f, out, d);
                        case 9 -> openblas.cblas_sgemm(ROW_MAJOR, N, N, m, d, n, 1f, s, n, q, d, 0f, out, d);
                        case 10 -> openblas.cblas_sgemm(ROW_MAJOR, T, T, d, n, m, 1f, c, d, s, m, 0f, out, n);
                        case 11 -> {
                            passTransposed(n, m, d, q, c, s, out);
                            passTransposed(n, m, d, q, c, s, out);
                        }
                        default -> passTransposed(2 * n, m + n, d, q2, c2, s2, out2);
                    }
                }
                double sec = (System.nanoTime() - t0) / 1e9;
                if (round == 2) {
                    System.out.printf("RESULT sgemm %-40s %8.1f us %6.1f GFLOP/s%n", names[v], sec / iters * 1e6, flops[v] * iters / sec / 1e9);
                }
            }
        }
    }

    /** One pass of the step: S = Q C^T (rows x cands), G C, G^T Q (G in S's buffer). */
    private static void pass(int rows, int cands, int d, FloatPointer q, FloatPointer c, FloatPointer s, FloatPointer out) {
        openblas.cblas_sgemm(ROW_MAJOR, N, T, rows, cands, d, 1f, q, d, c, d, 0f, s, cands);
        openblas.cblas_sgemm(ROW_MAJOR, N, N, rows, d, cands, 1f, s, cands, c, d, 0f, out, d);
        openblas.cblas_sgemm(ROW_MAJOR, T, N, cands, d, rows, 1f, s, cands, q, d, 0f, out, d);
    }

    /** The same pass with the scores stored transposed: S^T = C Q^T (cands x rows), (G^T)^T C, G^T Q. */
    private static void passTransposed(int rows, int cands, int d, FloatPointer q, FloatPointer c, FloatPointer s, FloatPointer out) {
        openblas.cblas_sgemm(ROW_MAJOR, N, T, cands, rows, d, 1f, c, d, q, d, 0f, s, rows);
        openblas.cblas_sgemm(ROW_MAJOR, T, N, rows, d, cands, 1f, s, rows, c, d, 0f, out, d);
        openblas.cblas_sgemm(ROW_MAJOR, N, N, cands, d, rows, 1f, s, rows, q, d, 0f, out, d);
    }

    private static FloatPointer random(long len) {
        FloatPointer p = new FloatPointer(len);
        java.util.SplittableRandom r = new java.util.SplittableRandom(len);
        for (long i = 0; i < len; i++) {
            p.put(i, (float) (r.nextDouble() - 0.5));
        }
        return p;
    }
}
