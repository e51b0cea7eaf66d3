package io.embark.allreduce.buffer;

import io.embark.allreduce.DataType;
import io.embark.allreduce.ReduceOp;

import java.nio.ByteBuffer;
import java.util.Optional;

/** Raw bytes, for broadcast and all-gather of opaque payloads. */
final class ByteElements extends ElementBuffer {
    private final ByteBuffer bytes;

    ByteElements(ByteBuffer bytes) {
        this.bytes = bytes;
    }

    @Override
    public DataType type() {
        return DataType.BYTE;
    }

    @Override
    public int length() {
        return bytes.remaining();
    }

    @Override
    public void write(int off, int len, ByteBuffer dst) {
        dst.put(bytes.slice(off, len));
    }

    @Override
    public void read(int off, int len, ByteBuffer src) {
        bytes.put(off, src, src.position(), len);
        src.position(src.position() + len);
    }

    @Override
    public void combine(int off, int len, ByteBuffer src, ReduceOp op) {
        checkReducible(op, DataType.BYTE);
    }

    @Override
    public void copyFrom(ElementBuffer src, int srcOff, int off, int len) {
        checkSameType(src);
        bytes.put(off, ((ByteElements) src).bytes, srcOff, len);
    }

    @Override
    public void combineFrom(ElementBuffer src, int srcOff, int off, int len, ReduceOp op) {
        checkReducible(op, DataType.BYTE);
    }

    @Override
    public void scale(int off, int len, double factor) {
        checkReducible(ReduceOp.MEAN, DataType.BYTE);
    }

    @Override
    public ElementBuffer copyOf(int off, int len) {
        ByteBuffer c = ByteBuffer.allocate(len);
        c.put(0, bytes, off, len);
        return new ByteElements(c);
    }

    @Override
    public Optional<ByteBuffer> wireView(int off, int len) {
        return bytes.isDirect() ? Optional.of(bytes.slice(off, len)) : Optional.empty();
    }
}
