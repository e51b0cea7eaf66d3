package io.embark.embedding.storage;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The file of one partition's embeddings ({@code .emb}), little-endian:
 * <pre>
 * offset  size          field
 *      0     8          magic "EMBKEMB1" (row-wise Adagrad) or "EMBKEMBE" (element-wise)
 *      8     4          int32 rows
 *     12     4          int32 dim
 *     16     rows*dim*4 float32 embeddings, row-major
 *      .     rows*4     float32 row-wise Adagrad accumulators ("EMBKEMB1")
 *            or rows*dim*4 float32 element-wise accumulators, row-major ("EMBKEMBE")
 *      .     8          int64 CRC32C of every byte before it (the trailer, {@link Crc32cOutputStream})
 * </pre>
 * Example: 2 entities of dimension 3 take 16 + 24 + 8 + 8 = 56 bytes (row-wise), 16 + 24 + 24 + 8 = 72 (element-wise).
 *
 * <p>The trailer is computed while the file is written and checked while it is read ({@link Crc32cInputStream}): a
 * flipped byte is refused on any file system, with or without Hadoop's {@code .crc} sidecar files. In a committed
 * checkpoint the version's {@link VersionManifest} records the same CRC32C.
 *
 * <p>The layout does not depend on how the table is segmented in memory ({@link EmbeddingTable}): the segments are
 * written one after the other, and a file of more than 2^31 floats (a 16M x 200 table is 12.8 GB) is read back into
 * as many segments as its shape needs. Files are streamed; nothing of the file's size is buffered.
 */
public final class TableFormat {

    static final byte[] MAGIC = {'E', 'M', 'B', 'K', 'E', 'M', 'B', '1'};
    static final byte[] MAGIC_ELEMENTWISE = {'E', 'M', 'B', 'K', 'E', 'M', 'B', 'E'};
    private static final int BLOCK_FLOATS = 1 << 18;

    private TableFormat() {
    }

    /** Writes the table and its trailer; returns the file's length and CRC32C (for the version's manifest). */
    public static FileCrc write(EmbeddingTable t, OutputStream out) throws IOException {
        Crc32cOutputStream checked = new Crc32cOutputStream(out);
        DataOutputStream data = new DataOutputStream(checked);
        data.write(t.elementwise() ? MAGIC_ELEMENTWISE : MAGIC);
        ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(t.rows()).putInt(t.dim());
        data.write(header.array());
        for (int s = 0; s < t.segments(); s++) {
            writeFloats(data, t.segmentData(s));
        }
        for (int s = 0; s < t.segments(); s++) {
            writeFloats(data, t.segmentState(s));
        }
        data.flush();
        return checked.writeTrailer();
    }

    /**
     * Reads only the header: {rows, dim, 1 if element-wise else 0}; checks that the file is {@code fileLength} bytes
     * long, as a complete table of that shape is (16 header bytes, rows x dim embedding floats, rows or rows x dim
     * optimizer-state floats, the 8-byte trailer).
     */
    public static int[] readShape(InputStream in, long fileLength, String source) throws IOException {
        int[] shape = readHeader(new DataInputStream(in), source);
        checkLength(shape, fileLength - Crc32cOutputStream.TRAILER_BYTES, source);
        return shape;
    }

    /** Checks that the header's shape needs exactly {@code contentBytes} (the file less its trailer), before anything is allocated. */
    private static void checkLength(int[] shape, long contentBytes, String source) throws IOException {
        int rows = shape[0];
        int dim = shape[1];
        if (rows < 0 || rows > EmbeddingTable.MAX_ROWS || dim < 1) {
            throw new IOException(source + ": header says " + rows + " rows of dimension " + dim + ": not an embedding table");
        }
        long entries = (long) rows * dim;
        long expected = 16L + 4L * (entries + (shape[2] == 1 ? entries : rows));
        if (contentBytes != expected) {
            throw new IOException(source + ": " + (contentBytes + Crc32cOutputStream.TRAILER_BYTES) + " bytes, expected "
                    + (expected + Crc32cOutputStream.TRAILER_BYTES) + " for " + rows + " rows of dimension " + dim);
        }
    }

    /** Reads a table and checks its trailer; {@code in} knows the file's length, so a damaged header allocates nothing. */
    public static EmbeddingTable read(String type, int partition, Crc32cInputStream in) throws IOException {
        return read(type, partition, in, 0);
    }

    /** As {@link #read(String, int, Crc32cInputStream)} into segments of {@code rowsPerSegment} rows (0: the default). */
    static EmbeddingTable read(String type, int partition, Crc32cInputStream in, int rowsPerSegment) throws IOException {
        return read(type, partition, in, dim -> rowsPerSegment);
    }

    /**
     * As {@link #read(String, int, Crc32cInputStream)} into segments of at most {@code maxSegmentFloats} floats (whole
     * rows): for readers that only look rows up (eval, export), so that a JVM never needs one contiguous array the size
     * of a partition; G1 allocates such an array as one humongous object, which a fragmented heap may not find room for.
     */
    static EmbeddingTable readInSegments(String type, int partition, Crc32cInputStream in, int maxSegmentFloats) throws IOException {
        return read(type, partition, in, dim -> Integer.highestOneBit(Math.max(1, maxSegmentFloats / dim)));
    }

    private static EmbeddingTable read(String type, int partition, Crc32cInputStream in, java.util.function.IntUnaryOperator rowsPerSegmentOfDim)
            throws IOException {
        String source = in.source();
        DataInputStream data = new DataInputStream(in);
        int[] shape = readHeader(data, source);
        checkLength(shape, in.contentBytes(), source);
        int rows = shape[0];
        int dim = shape[1];
        int rowsPerSegment = rowsPerSegmentOfDim.applyAsInt(dim);
        boolean elementwise = shape[2] == 1;
        EmbeddingTable t = rowsPerSegment == 0 ? EmbeddingTable.zeros(type, partition, rows, dim, elementwise)
                : EmbeddingTable.zeros(type, partition, rows, dim, elementwise, rowsPerSegment);
        for (int s = 0; s < t.segments(); s++) {
            readFloats(data, t.segmentData(s), source);
        }
        for (int s = 0; s < t.segments(); s++) {
            readFloats(data, t.segmentState(s), source);
        }
        in.checkTrailer();
        return t;
    }

    /** Magic and {rows, dim, 1 if element-wise else 0}. */
    private static int[] readHeader(DataInputStream data, String source) throws IOException {
        byte[] magic = new byte[8];
        byte[] header = new byte[8];
        try {
            data.readFully(magic);
            data.readFully(header);
        } catch (EOFException e) {
            throw new IOException(source + ": truncated embedding file", e);
        }
        boolean elementwise = Arrays.equals(magic, MAGIC_ELEMENTWISE);
        if (!elementwise && !Arrays.equals(magic, MAGIC)) {
            throw new IOException(source + ": not an embedding file (bad magic)");
        }
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        return new int[] {h.getInt(), h.getInt(), elementwise ? 1 : 0};
    }

    private static void writeFloats(DataOutputStream out, float[] v) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(4 * Math.min(BLOCK_FLOATS, Math.max(1, v.length))).order(ByteOrder.LITTLE_ENDIAN);
        FloatBuffer floats = bytes.asFloatBuffer();
        for (int off = 0; off < v.length; off += floats.capacity()) {
            int n = Math.min(floats.capacity(), v.length - off);
            floats.clear();
            floats.put(v, off, n);
            out.write(bytes.array(), 0, 4 * n);
        }
    }

    private static void readFloats(DataInputStream in, float[] v, String source) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(4 * Math.min(BLOCK_FLOATS, Math.max(1, v.length))).order(ByteOrder.LITTLE_ENDIAN);
        FloatBuffer floats = bytes.asFloatBuffer();
        for (int off = 0; off < v.length; off += floats.capacity()) {
            int n = Math.min(floats.capacity(), v.length - off);
            try {
                in.readFully(bytes.array(), 0, 4 * n);
            } catch (EOFException e) {
                throw new IOException(source + ": truncated embedding file", e);
            }
            floats.clear();
            floats.get(v, off, n);
        }
    }
}
