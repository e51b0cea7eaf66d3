package io.embark.partitioning;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Streams the edges of one edge-bucket file ({@link EdgeBucketFormat}) from any input stream, checking the header,
 * and computing the CRC32C of the records so callers can compare it with the manifest.
 */
public final class EdgeBucketReader implements AutoCloseable {

    /** Receives edges one at a time. */
    @FunctionalInterface
    public interface EdgeVisitor {
        void edge(int relation, int lhsOffset, int rhsOffset, float weight);
    }

    private final InputStream in;
    private final String source;
    private final Bucket bucket;
    private final boolean weighted;
    private final CRC32C crc = new CRC32C();
    private long count;

    /** Opens a bucket file; {@code source} (the file's path) appears in every error message. */
    public EdgeBucketReader(InputStream in, String source) throws IOException {
        this.in = in;
        this.source = source;
        byte[] header = new byte[EdgeBucketFormat.HEADER_BYTES];
        try {
            readFully(header, header.length);
        } catch (EOFException e) {
            throw new IOException(source + ": truncated edge-bucket header (expected " + EdgeBucketFormat.HEADER_BYTES + " bytes)", e);
        }
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[8];
        h.get(magic);
        if (!Arrays.equals(magic, EdgeBucketFormat.MAGIC)) {
            throw new IOException(source + ": not an edge-bucket file (bad magic)");
        }
        int version = h.getInt();
        if (version != EdgeBucketFormat.VERSION) {
            throw new IOException(source + ": edge-bucket format version " + version + " (this build reads " + EdgeBucketFormat.VERSION + ")");
        }
        int flags = h.getInt();
        this.weighted = (flags & EdgeBucketFormat.FLAG_WEIGHTED) != 0;
        this.bucket = new Bucket(h.getInt(), h.getInt());
    }

    public Bucket bucket() {
        return bucket;
    }

    public boolean weighted() {
        return weighted;
    }

    /** Reads every remaining record, handing each to {@code visitor}. Returns the number read. */
    public long forEach(EdgeVisitor visitor) throws IOException {
        int record = EdgeBucketFormat.recordBytes(weighted);
        byte[] chunk = new byte[record * 8192];
        ByteBuffer buf = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        long before = count;
        while (true) {
            int n = readUpTo(chunk, chunk.length);
            if (n == 0) {
                break;
            }
            if (n % record != 0) {
                throw new IOException(source + ": truncated edge record after " + (count + n / record) + " edges");
            }
            crc.update(chunk, 0, n);
            buf.clear();
            for (int i = 0; i < n / record; i++) {
                int rel = buf.getInt();
                int l = buf.getInt();
                int r = buf.getInt();
                float w = weighted ? buf.getFloat() : 1f;
                visitor.edge(rel, l, r, w);
            }
            count += n / record;
            if (n < chunk.length) {
                break;
            }
        }
        return count - before;
    }

    /** Appends every remaining record to {@code block}. */
    public long readInto(EdgeBlock block) throws IOException {
        return forEach(block::add);
    }

    public long count() {
        return count;
    }

    /** CRC32C of the records read so far. */
    public long checksum() {
        return crc.getValue();
    }

    private void readFully(byte[] b, int len) throws IOException {
        int n = readUpTo(b, len);
        if (n < len) {
            throw new EOFException();
        }
    }

    private int readUpTo(byte[] b, int len) throws IOException {
        int off = 0;
        while (off < len) {
            int r = in.read(b, off, len - off);
            if (r < 0) {
                break;
            }
            off += r;
        }
        return off;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
