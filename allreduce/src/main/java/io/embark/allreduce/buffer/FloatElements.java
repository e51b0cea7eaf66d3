package io.embark.allreduce.buffer;

import io.embark.allreduce.DataType;
import io.embark.allreduce.ReduceOp;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Optional;

/** float32 elements in a {@code float[]} (fast path: plain loops the JIT vectorizes) or a {@link FloatBuffer}. */
final class FloatElements extends ElementBuffer {
    static final int CHUNK = 16 * 1024;
    private static final ThreadLocal<float[][]> SCRATCH =
            ThreadLocal.withInitial(() -> new float[][] {new float[CHUNK], new float[CHUNK]});

    private final float[] array;
    private final FloatBuffer nio;
    private final ByteBuffer bytes;
    private final int length;

    FloatElements(float[] array) {
        this.array = array;
        this.nio = null;
        this.bytes = null;
        this.length = array.length;
    }

    FloatElements(FloatBuffer nio, ByteBuffer littleEndianBytes) {
        this.array = null;
        this.nio = nio;
        this.bytes = littleEndianBytes;
        this.length = nio.remaining();
    }

    /** The backing array when this buffer is a plain float[] (element {@code i} at index {@code i}); null otherwise. */
    float[] heapArray() {
        return array;
    }

    @Override
    public DataType type() {
        return DataType.FLOAT32;
    }

    @Override
    public int length() {
        return length;
    }

    void get(int off, float[] dst, int dstOff, int len) {
        if (array != null) {
            System.arraycopy(array, off, dst, dstOff, len);
        } else {
            nio.get(off, dst, dstOff, len);
        }
    }

    void put(int off, float[] src, int srcOff, int len) {
        if (array != null) {
            System.arraycopy(src, srcOff, array, off, len);
        } else {
            nio.put(off, src, srcOff, len);
        }
    }

    @Override
    public void write(int off, int len, ByteBuffer dst) {
        FloatBuffer out = le(dst).asFloatBuffer();
        if (array != null) {
            out.put(array, off, len);
        } else {
            out.put(0, nio, off, len);
        }
        dst.position(dst.position() + len * 4);
    }

    @Override
    public void read(int off, int len, ByteBuffer src) {
        FloatBuffer in = le(src).asFloatBuffer();
        if (array != null) {
            in.get(array, off, len);
        } else {
            nio.put(off, in, 0, len);
        }
        src.position(src.position() + len * 4);
    }

    @Override
    public void combine(int off, int len, ByteBuffer src, ReduceOp op) {
        FloatBuffer in = le(src).asFloatBuffer();
        float[][] s = SCRATCH.get();
        for (int done = 0; done < len; done += CHUNK) {
            int n = Math.min(CHUNK, len - done);
            in.get(done, s[0], 0, n);
            combineChunk(off + done, s[0], 0, n, op, s[1]);
        }
        src.position(src.position() + len * 4);
    }

    @Override
    public void copyFrom(ElementBuffer src, int srcOff, int off, int len) {
        checkSameType(src);
        FloatElements f = (FloatElements) src;
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
        FloatElements f = (FloatElements) src;
        if (f.array != null) {
            combineChunk(off, f.array, srcOff, len, op, null);
            return;
        }
        float[][] s = SCRATCH.get();
        for (int done = 0; done < len; done += CHUNK) {
            int n = Math.min(CHUNK, len - done);
            f.get(srcOff + done, s[0], 0, n);
            combineChunk(off + done, s[0], 0, n, op, s[1]);
        }
    }

    /** this[off..off+n) op= src[srcOff..); {@code tmp} is scratch for non-array storage (may be null otherwise). */
    private void combineChunk(int off, float[] src, int srcOff, int n, ReduceOp op, float[] tmp) {
        if (array != null) {
            Kernels.combine(array, off, src, srcOff, n, op);
            return;
        }
        float[] t = tmp != null ? tmp : new float[Math.min(n, CHUNK)];
        for (int done = 0; done < n; done += t.length) {
            int m = Math.min(t.length, n - done);
            nio.get(off + done, t, 0, m);
            Kernels.combine(t, 0, src, srcOff + done, m, op);
            nio.put(off + done, t, 0, m);
        }
    }

    @Override
    public void scale(int off, int len, double factor) {
        float f = (float) factor;
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
        float[] c = new float[len];
        get(off, c, 0, len);
        return new FloatElements(c);
    }

    @Override
    public Optional<ByteBuffer> wireView(int off, int len) {
        if (bytes == null || !bytes.isDirect()) {
            return Optional.empty();
        }
        return Optional.of(bytes.slice(off * 4, len * 4));
    }
}
