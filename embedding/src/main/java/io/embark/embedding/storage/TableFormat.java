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
 * </pre>
 * Example: 2 entities of dimension 3 take 16 + 24 + 8 = 48 bytes (row-wise), 16 + 24 + 24 = 64 (element-wise).
 */
public final class TableFormat {

    static final byte[] MAGIC = {'E', 'M', 'B', 'K', 'E', 'M', 'B', '1'};
    static final byte[] MAGIC_ELEMENTWISE = {'E', 'M', 'B', 'K', 'E', 'M', 'B', 'E'};
    private static final int BLOCK_FLOATS = 1 << 18;

    private TableFormat() {
    }

    public static void write(EmbeddingTable t, OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.write(t.elementwise() ? MAGIC_ELEMENTWISE : MAGIC);
        ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(t.rows()).putInt(t.dim());
        data.write(header.array());
        writeFloats(data, t.data());
        writeFloats(data, t.state());
        data.flush();
    }

    /**
     * Reads only the header: {rows, dim}; checks that the file is {@code fileLength} bytes long, as a complete table of
     * that shape is (16 header bytes, rows x dim embedding floats, rows or rows x dim optimizer-state floats).
     */
    public static int[] readShape(InputStream in, long fileLength, String source) throws IOException {
        int[] shape = readHeader(new DataInputStream(in), source);
        long entries = (long) shape[0] * shape[1];
        long expected = 16L + 4L * (entries + (shape[2] == 1 ? entries : shape[0]));
        if (fileLength != expected) {
            throw new IOException(source + ": " + fileLength + " bytes, expected " + expected + " for " + shape[0]
                    + " rows of dimension " + shape[1]);
        }
        return shape;
    }

    public static EmbeddingTable read(String type, int partition, InputStream in, String source) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int[] shape = readHeader(data, source);
        int rows = shape[0];
        int dim = shape[1];
        float[] emb = new float[Math.multiplyExact(rows, dim)];
        float[] state = new float[shape[2] == 1 ? emb.length : rows];
        readFloats(data, emb, source);
        readFloats(data, state, source);
        return new EmbeddingTable(type, partition, rows, dim, emb, state);
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
