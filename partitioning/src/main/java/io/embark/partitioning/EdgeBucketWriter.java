package io.embark.partitioning;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Writes one edge-bucket file in the {@link EdgeBucketFormat} layout to any stream (a Hadoop
 * {@code FSDataOutputStream} in practice). Buffers records and tracks the edge count and the CRC32C of the record
 * bytes, which the import manifest stores. Closing the writer closes the stream.
 */
public final class EdgeBucketWriter implements AutoCloseable {

    private final OutputStream out;
    private final boolean weighted;
    private final ByteBuffer buffer;
    private final CRC32C crc = new CRC32C();
    private long count;
    private boolean closed;

    public EdgeBucketWriter(OutputStream out, Bucket bucket, boolean weighted, int bufferBytes) throws IOException {
        this.out = out;
        this.weighted = weighted;
        int record = EdgeBucketFormat.recordBytes(weighted);
        this.buffer = ByteBuffer.allocate(Math.max(record, bufferBytes / record * record)).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer header = ByteBuffer.allocate(EdgeBucketFormat.HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        header.put(EdgeBucketFormat.MAGIC);
        header.putInt(EdgeBucketFormat.VERSION);
        header.putInt(weighted ? EdgeBucketFormat.FLAG_WEIGHTED : 0);
        header.putInt(bucket.lhsPartition());
        header.putInt(bucket.rhsPartition());
        header.putLong(0L);
        out.write(header.array());
    }

    public EdgeBucketWriter(OutputStream out, Bucket bucket, boolean weighted) throws IOException {
        this(out, bucket, weighted, 64 * 1024);
    }

    public void write(int relation, int lhsOffset, int rhsOffset, float weight) throws IOException {
        if (buffer.remaining() < EdgeBucketFormat.recordBytes(weighted)) {
            flushBuffer();
        }
        buffer.putInt(relation).putInt(lhsOffset).putInt(rhsOffset);
        if (weighted) {
            buffer.putFloat(weight);
        }
        count++;
    }

    /**
     * Appends {@code length} bytes of whole records, already in this format's record layout (what an import's shuffle
     * carries), from {@code records[offset..]}.
     */
    public void writeRecords(byte[] records, int offset, int length) throws IOException {
        int record = EdgeBucketFormat.recordBytes(weighted);
        if (length % record != 0) {
            throw new IllegalArgumentException(length + " bytes are not whole " + record + "-byte records");
        }
        flushBuffer();
        crc.update(records, offset, length);
        out.write(records, offset, length);
        count += length / record;
    }

    private void flushBuffer() throws IOException {
        if (buffer.position() > 0) {
            crc.update(buffer.array(), 0, buffer.position());
            out.write(buffer.array(), 0, buffer.position());
            buffer.clear();
        }
    }

    /** Edges written so far. */
    public long count() {
        return count;
    }

    /** CRC32C of the record bytes (header excluded); complete once the writer is closed. */
    public long checksum() {
        return crc.getValue();
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            flushBuffer();
            out.close();
        }
    }
}
