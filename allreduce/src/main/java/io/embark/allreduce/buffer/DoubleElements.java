package io.embark.allreduce.buffer;

import io.embark.allreduce.DataType;
import io.embark.allreduce.ReduceOp;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.util.Optional;

/** float64 elements in a {@code double[]} (fast path: plain loops the JIT vectorizes) or a {@link DoubleBuffer}. */
final class DoubleElements extends ElementBuffer {
    static final int CHUNK = 16 * 1024;
    private static final ThreadLocal<double[][]> SCRATCH =
            ThreadLocal.withInitial(() -> new double[][] {new double[CHUNK], new double[CHUNK]});

    private final double[] array;
    private final DoubleBuffer nio;
    private final ByteBuffer bytes;
    private final int length;

    DoubleElements(double[] array) {
        this.array = array;
        this.nio = null;
        this.bytes = null;
        this.length = array.length;
    }

    DoubleElements(DoubleBuffer nio, ByteBuffer littleEndianBytes) {
        this.array = null;
        this.nio = nio;
        this.bytes = littleEndianBytes;
        this.length = nio.remaining();
    }

    /** The backing array when this buffer is a plain double[] (element {@code i} at index {@code i}); null otherwise. */
    double[] heapArray() {
        return array;
    }

    @Override
    public DataType type() {
        return DataType.FLOAT64;
    }

    @Override
    public int length() {
        return length;
    }

    void get(int off, double[] dst, int dstOff, int len) {
        if (array != null) {
            System.arraycopy(array, off, dst, dstOff, len);
        } else {
            nio.get(off, dst, dstOff, len);
        }
    }

    void put(int off, double[] src, int srcOff, int len) {
        if (array != null) {
            System.arraycopy(src, srcOff, array, off, len);
        } else {
            nio.put(off, src, srcOff, len);
        }
    }

    @Override
    public void write(int off, int len, ByteBuffer dst) {
        DoubleBuffer out = le(dst).asDoubleBuffer();
        if (array != null) {
            out.put(array, off, len);
        } else {
            out.put(0, nio, off, len);
        }
        dst.position(dst.position() + len * 8);
    }

    @Override
    public void read(int off, int len, ByteBuffer src) {
        DoubleBuffer in = le(src).asDoubleBuffer();
        if (array != null) {
            in.get(array, off, len);
        } else {
            nio.put(off, in, 0, len);
        }
        src.position(src.position() + len * 8);
    }

    @Override
    public void combine(int off, int len, ByteBuffer src, ReduceOp op) {
        DoubleBuffer in = le(src).asDoubleBuffer();
        double[][] s = SCRATCH.get();
        for (int done = 0; done < len; done += CHUNK) {
            int n = Math.min(CHUNK, len - done);
            in.get(done, s[0], 0, n);
            combineChunk(off + done, s[0], 0, n, op, s[1]);
        }
        src.position(src.position() + len * 8);
    }

    @Override
    public void copyFrom(ElementBuffer src, int srcOff, int off, int len) {
        checkSameType(src);
        DoubleElements f = (DoubleElements) src;
        if (f.array != null) {
            put(off, f.array, srcOff, len);
        } else if (array != null) {
            f.get(srcOff, array, off, len);
        } else {
            nio.put(off, f.nio, srcOff, len);
        }
    }

    @Override
    public void combineFrom(ElementBuffer src, int srcOff, int off, int len, ReduceOp op) {
        checkSameType(src);
        DoubleElements f = (DoubleElements) src;
        if (f.array != null) {
            combineChunk(off, f.array, srcOff, len, op, null);
            return;
        }
        double[][] s = SCRATCH.get();
        for (int done = 0; done < len; done += CHUNK) {
            int n = Math.min(CHUNK, len - done);
            f.get(srcOff + done, s[0], 0, n);
            combineChunk(off + done, s[0], 0, n, op, s[1]);
        }
    }

    /** this[off..off+n) op= src[srcOff..); {@code tmp} is scratch for non-array storage (may be null otherwise). */
    private void combineChunk(int off, double[] src, int srcOff, int n, ReduceOp op, double[] tmp) {
        if (array != null) {
            Kernels.combine(array, off, src, srcOff, n, op);
            return;
        }
        double[] t = tmp != null ? tmp : new double[Math.min(n, CHUNK)];
        for (int done = 0; done < n; done += t.length) {
            int m = Math.min(t.length, n - done);
            nio.get(off + done, t, 0, m);
            Kernels.combine(t, 0, src, srcOff + done, m, op);
            nio.put(off + done, t, 0, m);
        }
    }

    @Override
    public void scale(int off, int len, double factor) {
        double f = factor;
        if (array != null) {
            for (int i = off; i < off + len; i++) {
                array[i] *= f;
            }
        } else {
            for (int i = off; i < off + len; i++) {
                nio.put(i, nio.get(i) * f);
            }
        }
    }

    @Override
    public ElementBuffer copyOf(int off, int len) {
        double[] c = new double[len];
        get(off, c, 0, len);
        return new DoubleElements(c);
    }

    @Override
    public Optional<ByteBuffer> wireView(int off, int len) {
        if (bytes == null || !bytes.isDirect()) {
            return Optional.empty();
        }
        return Optional.of(bytes.slice(off * 8, len * 8));
    }
}
