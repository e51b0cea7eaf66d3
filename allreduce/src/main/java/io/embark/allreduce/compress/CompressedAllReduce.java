package io.embark.allreduce.compress;

import io.embark.allreduce.Communicator;
import io.embark.allreduce.DataType;
import io.embark.allreduce.ReduceOp;
import io.embark.allreduce.buffer.ElementBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Optional 3LC-style compressed all-reduce of a gradient (off unless a caller uses this class): every
 * rank encodes its gradient plus its carried error with {@link TernaryCodec}, the encodings are
 * all-gathered (each padded to the longest), and every rank decodes them in rank order and sums, so
 * all ranks get bit-identical results. Bytes per rank: {@code (p-1) x} the largest encoding, against
 * {@code 2(p-1)/p x 4n} for an uncompressed ring: worth it while the encodings are more than
 * {@code p/2} times smaller. The quantization error stays in the per-tensor residual (error feedback),
 * so nothing is lost over rounds, only delayed.
 */
public final class CompressedAllReduce {
    private final float[] residual;

    /** Statistics of the last call: compression ratio (raw float32 / encoded bytes) and RMS error vs the exact sum. */
    public record Stats(double ratio, int encodedBytes) {
    }

    /** State for one gradient tensor of {@code n} values (its error-feedback residual). */
    public CompressedAllReduce(int n) {
        this.residual = new float[n];
    }

    /** The quantization error carried into the next round. */
    public float[] residual() {
        return residual.clone();
    }

    /** Replaces {@code grad} with the (approximate) sum, or mean, over all ranks. */
    public Stats allReduce(Communicator comm, float[] grad, ReduceOp op) {
        if (op == ReduceOp.MAX || grad.length != residual.length) {
            throw new IllegalArgumentException("compressed all-reduce supports SUM and MEAN of " + residual.length
                    + " values (got " + op + " of " + grad.length + ")");
        }
        int p = comm.size();
        ByteBuffer mine = ByteBuffer.allocate(TernaryCodec.maxEncodedBytes(grad.length)).order(ByteOrder.LITTLE_ENDIAN);
        int len = TernaryCodec.encode(grad, residual, mine);
        double[] lengths = new double[p];
        lengths[comm.rank()] = len;
        comm.allReduce(lengths, ReduceOp.SUM);
        int slot = (int) Arrays.stream(lengths).max().orElse(0);
        ByteBuffer all = ByteBuffer.allocate(slot * p).order(ByteOrder.LITTLE_ENDIAN);
        all.put(comm.rank() * slot, mine, 0, len);
        comm.allGather(ElementBuffer.ofBytes(all, DataType.BYTE));
        Arrays.fill(grad, 0f);
        for (int r = 0; r < p; r++) {
            TernaryCodec.decodeAdd(all.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(r * slot), grad);
        }
        if (op == ReduceOp.MEAN) {
            for (int i = 0; i < grad.length; i++) {
                grad[i] /= p;
            }
        }
        return new Stats(4.0 * grad.length / Math.max(1, len), len);
    }
}
