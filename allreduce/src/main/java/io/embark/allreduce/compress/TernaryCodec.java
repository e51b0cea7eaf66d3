package io.embark.allreduce.compress;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * 3LC's encoding of one gradient (Lim et al., MLSys 2019): each value {@code v} (gradient plus the
 * error left over from the previous round) becomes one of {@code -M, 0, +M} with {@code M = max|v|}
 * ({@code q = round(v/M)}); five such trits pack into one byte, {@code sum (q_j + 1) 3^j}, a value in
 * 0..242; a run of {@code k = 2..14} bytes equal to 121 (five zeros) becomes the single byte
 * {@code 241 + k} (243..255). Layout: {@code n i32 | M f32 | bytes}, little-endian.
 *
 * <p>Worked example: {@code v = [0.9, -0.2, 0.1, -1.0, 0.6]}, {@code M = 1.0}, trits
 * {@code [1, 0, 0, -1, 1]}, byte {@code 2 + 1*3 + 1*9 + 0*27 + 2*81 = 176}; the error kept for the next
 * round is {@code [-0.1, -0.2, 0.1, 0, -0.4]}.
 */
public final class TernaryCodec {
    static final int ZERO_BYTE = 121;
    private static final int[] POW3 = {1, 3, 9, 27, 81};

    private TernaryCodec() {
    }

    /** Upper bound of the encoded size of {@code n} values. */
    public static int maxEncodedBytes(int n) {
        return 8 + (n + 4) / 5;
    }

    /**
     * Encodes {@code grad + residual} into {@code out} (at its position) and leaves the quantization
     * error in {@code residual}. Returns the encoded size in bytes.
     */
    public static int encode(float[] grad, float[] residual, ByteBuffer out) {
        int n = grad.length;
        float max = 0;
        for (int i = 0; i < n; i++) {
            residual[i] += grad[i];
            max = Math.max(max, Math.abs(residual[i]));
        }
        ByteBuffer o = out.order(ByteOrder.LITTLE_ENDIAN);
        int start = o.position();
        o.putInt(n).putFloat(max);
        int run = 0;
        for (int base = 0; base < n; base += 5) {
            int b = 0;
            for (int j = 0; j < 5; j++) {
                int i = base + j;
                int q = 0;
                if (i < n && max > 0) {
                    q = Math.round(residual[i] / max);
                    residual[i] -= q * max;
                }
                b += (q + 1) * POW3[j];
            }
            if (b == ZERO_BYTE) {
                run++;
                if (run == 14) {
                    o.put((byte) (241 + run));
                    run = 0;
                }
                continue;
            }
            run = flushRun(o, run);
            o.put((byte) b);
        }
        flushRun(o, run);
        return o.position() - start;
    }

    private static int flushRun(ByteBuffer o, int run) {
        if (run == 1) {
            o.put((byte) ZERO_BYTE);
        } else if (run > 1) {
            o.put((byte) (241 + run));
        }
        return 0;
    }

    /** Adds the decoded values of the encoding at {@code in}'s position to {@code acc}; advances {@code in}. */
    public static void decodeAdd(ByteBuffer in, float[] acc) {
        ByteBuffer b = in.order(ByteOrder.LITTLE_ENDIAN);
        int n = b.getInt();
        float m = b.getFloat();
        if (n != acc.length) {
            throw new IllegalArgumentException("encoded " + n + " values, accumulator holds " + acc.length);
        }
        int i = 0;
        while (i < n) {
            int v = b.get() & 0xff;
            if (v > 242) {
                i += 5 * (v - 241);
                continue;
            }
            for (int j = 0; j < 5 && i < n; j++, i++) {
                int q = v % 3 - 1;
                v /= 3;
                acc[i] += q * m;
            }
        }
    }
}
