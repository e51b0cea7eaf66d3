package io.embark.allreduce.compress;

import io.embark.allreduce.Communicator;
import io.embark.allreduce.ReduceOp;
import io.embark.allreduce.testing.Ranks;
import io.embark.allreduce.testing.Worlds;
import io.embark.allreduce.transport.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompressionTest {

    @Test
    void theWorkedExampleFromTheJavadoc() {
        float[] v = {0.9f, -0.2f, 0.1f, -1.0f, 0.6f};
        float[] residual = new float[5];
        ByteBuffer out = ByteBuffer.allocate(TernaryCodec.maxEncodedBytes(5));
        assertEquals(9, TernaryCodec.encode(v, residual, out));
        assertEquals(176, out.get(8) & 0xff);
        assertArrayEquals(new float[] {-0.1f, -0.2f, 0.1f, 0f, -0.4f}, residual, 1e-6f);
        float[] back = new float[5];
        TernaryCodec.decodeAdd(out.flip(), back);
        assertArrayEquals(new float[] {1, 0, 0, -1, 1}, back);
    }

    @Test
    void zeroRunsCollapse() {
        float[] v = new float[10_000];
        v[5_000] = 1f; // one non-zero among 10,000: 2,000 bytes of trits, nearly all runs of zero bytes
        ByteBuffer out = ByteBuffer.allocate(TernaryCodec.maxEncodedBytes(v.length));
        int len = TernaryCodec.encode(v, new float[v.length], out);
        assertTrue(len < 160, "encoded " + len + " bytes");
        float[] back = new float[v.length];
        TernaryCodec.decodeAdd(out.flip(), back);
        assertArrayEquals(v, back);
    }

    /** Error feedback: over many rounds the sum of the compressed results tracks the sum of the true ones. */
    @Test
    @Timeout(60)
    void errorFeedbackKeepsTheRunningSumClose() {
        int p = 4;
        int n = 20_000;
        int rounds = 30;
        List<Transport> ts = Worlds.inProcess(p);
        List<double[]> out = Ranks.run(p, Duration.ofSeconds(50), r -> {
            try (Communicator c = Communicator.builder().transport(ts.get(r)).build()) {
                CompressedAllReduce car = new CompressedAllReduce(n);
                SplittableRandom rnd = new SplittableRandom(r);
                // a persistent direction per coordinate (what training follows) under per-round noise
                float[] drift = new float[n];
                SplittableRandom shared = new SplittableRandom(99);
                for (int i = 0; i < n; i++) {
                    drift[i] = (float) (shared.nextGaussian() * 0.01);
                }
                double[] trueSum = new double[n];
                double[] gotSum = new double[n];
                double ratio = 0;
                for (int k = 0; k < rounds; k++) {
                    float[] g = new float[n];
                    for (int i = 0; i < n; i++) {
                        // heavy-tailed, mostly small gradients, as in training
                        g[i] = drift[i] + (float) (rnd.nextGaussian() * (rnd.nextInt(50) == 0 ? 0.1 : 0.01));
                    }
                    float[] exact = g.clone();
                    c.allReduce(exact, ReduceOp.SUM);
                    CompressedAllReduce.Stats s = car.allReduce(c, g, ReduceOp.SUM);
                    ratio += s.ratio() / rounds;
                    for (int i = 0; i < n; i++) {
                        trueSum[i] += exact[i];
                        gotSum[i] += g[i];
                    }
                }
                double err = 0;
                double norm = 0;
                for (int i = 0; i < n; i++) {
                    err += (trueSum[i] - gotSum[i]) * (trueSum[i] - gotSum[i]);
                    norm += trueSum[i] * trueSum[i];
                }
                return new double[] {ratio, Math.sqrt(err / norm), gotSum[7]};
            }
        });
        for (double[] o : out) {
            assertTrue(o[0] > 20, "compression ratio " + o[0]);
            assertTrue(o[1] < 0.3, "relative error of the running sum " + o[1]);
            assertEquals(out.get(0)[2], o[2], 0.0, "all ranks decode the same values");
        }
        System.out.printf("3LC-style compression: ratio %.1fx, relative error of the 30-round running sum %.3f%n",
                out.get(0)[0], out.get(0)[1]);
    }
}
