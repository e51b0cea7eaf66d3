package io.embark.allreduce.buffer;

import io.embark.allreduce.DataType;
import io.embark.allreduce.ReduceOp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Optional;

/**
 * A run of numeric elements that the collectives read, send, receive and combine in place: a
 * {@code float[]}, a {@code double[]}, an NIO buffer, or raw bytes. Offsets and lengths are counted
 * in elements from the start of the run.
 *
 * <p>The transports use the {@code write}/{@code read}/{@code combine} methods to move elements to
 * and from little-endian wire bytes, and {@code copyFrom}/{@code combineFrom} to move them directly
 * between two buffers of the same process with no wire bytes at all.
 */
public abstract class ElementBuffer {

    /** The element type. */
    public abstract DataType type();

    /** Number of elements. */
    public abstract int length();

    /** Writes elements {@code [off, off+len)} little-endian at {@code dst}'s position, advancing it. */
    public abstract void write(int off, int len, ByteBuffer dst);

    /** Overwrites elements {@code [off, off+len)} from little-endian bytes at {@code src}'s position, advancing it. */
    public abstract void read(int off, int len, ByteBuffer src);

    /** Combines little-endian elements at {@code src}'s position into {@code [off, off+len)}, advancing it. */
    public abstract void combine(int off, int len, ByteBuffer src, ReduceOp op);

    /** Overwrites {@code [off, off+len)} with {@code src[srcOff, srcOff+len)}; both of this type. */
    public abstract void copyFrom(ElementBuffer src, int srcOff, int off, int len);

    /** {@code this[off+i] = op(this[off+i], src[srcOff+i])}; both of this type. */
    public abstract void combineFrom(ElementBuffer src, int srcOff, int off, int len, ReduceOp op);

    /** Multiplies {@code [off, off+len)} by {@code factor}. */
    public abstract void scale(int off, int len, double factor);

    /** A new heap-backed buffer holding a copy of {@code [off, off+len)}. */
    public abstract ElementBuffer copyOf(int off, int len);

    /**
     * Little-endian bytes of {@code [off, off+len)} that a socket can read into or write from directly,
     * when this buffer is backed by a direct little-endian {@link ByteBuffer}; empty otherwise.
     */
    public Optional<ByteBuffer> wireView(int off, int len) {
        return Optional.empty();
    }

    /** Size in bytes of {@code len} elements. */
    public final long bytes(int len) {
        return (long) len * type().bytes();
    }

    // ---- factories -------------------------------------------------------------------------

    public static ElementBuffer of(float[] data) {
        return new FloatElements(data);
    }

    public static ElementBuffer of(double[] data) {
        return new DoubleElements(data);
    }

    /** The elements between {@code data}'s position and limit; its position is not changed. */
    public static ElementBuffer of(FloatBuffer data) {
        return new FloatElements(data.slice(), null);
    }

    /** The elements between {@code data}'s position and limit; its position is not changed. */
    public static ElementBuffer of(DoubleBuffer data) {
        return new DoubleElements(data.slice(), null);
    }

    /**
     * Elements of {@code type} stored little-endian between {@code bytes}' position and limit. A direct
     * buffer here lets the TCP transport send and receive without any copy in user space.
     */
    public static ElementBuffer ofBytes(ByteBuffer bytes, DataType type) {
        ByteBuffer b = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() % type.bytes() != 0) {
            throw new IllegalArgumentException("buffer of " + b.remaining() + " bytes is not a whole number of "
                    + type + " elements");
        }
        switch (type) {
            case FLOAT32:
                return new FloatElements(b.asFloatBuffer(), b);
            case FLOAT64:
                return new DoubleElements(b.asDoubleBuffer(), b);
            case BYTE:
                return new ByteElements(b);
            default:
                throw new IllegalArgumentException("unknown type " + type);
        }
    }

    /** A new zero-filled heap buffer of {@code length} elements of {@code type}. */
    public static ElementBuffer allocate(DataType type, int length) {
        switch (type) {
            case FLOAT32:
                return new FloatElements(new float[length]);
            case FLOAT64:
                return new DoubleElements(new double[length]);
            case BYTE:
                return new ByteElements(ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN));
            default:
                throw new IllegalArgumentException("unknown type " + type);
        }
    }

    final void checkSameType(ElementBuffer other) {
        if (other.type() != type()) {
            throw new IllegalArgumentException("element type mismatch: " + other.type() + " into " + type());
        }
    }

    static void checkReducible(ReduceOp op, DataType type) {
        if (type == DataType.BYTE) {
            throw new UnsupportedOperationException("raw bytes cannot be reduced (" + op + ")");
        }
    }

    static ByteBuffer le(ByteBuffer b) {
        return b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }
}
