package io.embark.allreduce.buffer;

import io.embark.allreduce.ReduceOp;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The single-pass reduction behind the shared-memory all-reduce, on every storage path: plain arrays
 * at one offset (the fused loops), arrays at different offsets, and NIO buffers.
 */
class SharedReductionTest {

    /** Buffer j holds {@code 100 j + k} at offset {@code j * shift + k} (and -1 around it). */
    private static float[][] inputs(int p, int len, int shift) {
        float[][] a = new float[p][];
        for (int j = 0; j < p; j++) {
            a[j] = new float[len + p * shift + 2];
            java.util.Arrays.fill(a[j], -1f);
            for (int k = 0; k < len; k++) {
                a[j][j * shift + k] = 100f * j + k;
            }
        }
        return a;
    }

    @Test
    void everyBufferGetsTheSumOnEveryPath() {
        // chunk boundaries: 1 element, one chunk, a chunk and a bit
        for (int len : new int[] {1, 7, SharedReduction.CHUNK, SharedReduction.CHUNK + 3}) {
            for (int p = 1; p <= 5; p++) {
                for (int shift : new int[] {0, 3}) {
                    float[][] a = inputs(p, len, shift);
                    ElementBuffer[] bufs = new ElementBuffer[p];
                    int[] offs = new int[p];
                    for (int j = 0; j < p; j++) {
                        bufs[j] = ElementBuffer.of(a[j]);
                        offs[j] = j * shift;
                    }
                    SharedReduction.reduceEverywhere(bufs, offs, len, ReduceOp.SUM);
                    for (int j = 0; j < p; j++) {
                        for (int k = 0; k < len; k++) {
                            // sum over i of (100 i + k) = 100 p(p-1)/2 + p k
                            assertEquals(100f * p * (p - 1) / 2 + (float) p * k, a[j][j * shift + k],
                                    "p=" + p + " len=" + len + " shift=" + shift + " buffer " + j + " element " + k);
                        }
                        assertEquals(-1f, a[j][j * shift + len], "element after the range of buffer " + j);
                    }
                }
            }
        }
    }

    @Test
    void reduceIntoWritesTheTargetAlone() {
        int p = 3;
        int len = 5;
        float[][] a = inputs(p, len, 0);
        float[][] before = new float[p][];
        for (int j = 0; j < p; j++) {
            before[j] = a[j].clone();
        }
        ElementBuffer[] bufs = {ElementBuffer.of(a[0]), ElementBuffer.of(a[1]), ElementBuffer.of(a[2])};
        SharedReduction.reduceInto(bufs, new int[3], len, ReduceOp.MAX, 1);
        assertArrayEquals(before[0], a[0]);
        assertArrayEquals(before[2], a[2]);
        for (int k = 0; k < len; k++) {
            assertEquals(200f + k, a[1][k]); // the max over j of 100 j + k
        }
    }

    @Test
    void directBuffersAndDoublesTakeTheGenericPaths() {
        int len = SharedReduction.CHUNK + 5;
        FloatBuffer[] fb = new FloatBuffer[3];
        ElementBuffer[] bufs = new ElementBuffer[3];
        for (int j = 0; j < 3; j++) {
            ByteBuffer bytes = ByteBuffer.allocateDirect(len * 4).order(ByteOrder.LITTLE_ENDIAN);
            fb[j] = bytes.asFloatBuffer();
            for (int k = 0; k < len; k++) {
                fb[j].put(k, j + 0.5f * k);
            }
            bufs[j] = ElementBuffer.ofBytes(bytes, io.embark.allreduce.DataType.FLOAT32);
        }
        SharedReduction.reduceEverywhere(bufs, new int[3], len, ReduceOp.SUM);
        for (int j = 0; j < 3; j++) {
            for (int k = 0; k < len; k++) {
                assertEquals(3 + 1.5f * k, fb[j].get(k), "buffer " + j + " element " + k); // (0+1+2) + 3 * 0.5k
            }
        }
        double[] x = {1, 2, 3, 9};
        double[] y = {0, 5, 1, 2, 8};
        SharedReduction.reduceEverywhere(new ElementBuffer[] {ElementBuffer.of(x), ElementBuffer.of(y)},
                new int[] {1, 2}, 2, ReduceOp.SUM);
        assertArrayEquals(new double[] {1, 3, 5, 9}, x); // x[1..3) + y[2..4) = {2+1, 3+2}
        assertArrayEquals(new double[] {0, 5, 3, 5, 8}, y);
    }
}
