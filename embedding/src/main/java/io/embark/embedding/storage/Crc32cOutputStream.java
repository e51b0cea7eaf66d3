package io.embark.embedding.storage;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Passes bytes through, computing their CRC32C as they go (no second pass over the file); {@link #writeTrailer()}
 * appends it as the file's last 8 bytes (int64, little-endian), the trailer of {@code .emb} and {@code relations.bin}
 * files, which {@link Crc32cInputStream} checks. Does not close the stream it wraps.
 */
public final class Crc32cOutputStream extends FilterOutputStream {

    /** Length of the trailer: an int64 CRC32C of every byte before it. */
    public static final int TRAILER_BYTES = 8;

    private final CRC32C crc = new CRC32C();
    private long bytes;
    private boolean finished;

    public Crc32cOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        checkOpen();
        out.write(b);
        crc.update(b);
        bytes++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        checkOpen();
        out.write(b, off, len);
        crc.update(b, off, len);
        bytes += len;
    }

    /** Appends the trailer and flushes; returns the file's length (trailer included) and the CRC32C before it. */
    public FileCrc writeTrailer() throws IOException {
        checkOpen();
        long value = crc.getValue();
        out.write(ByteBuffer.allocate(TRAILER_BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array());
        out.flush();
        finished = true;
        return new FileCrc(bytes + TRAILER_BYTES, value);
    }

    /** Flushes only: the caller owns the stream this one wraps. */
    @Override
    public void close() throws IOException {
        out.flush();
    }

    private void checkOpen() throws IOException {
        if (finished) {
            throw new IOException("write after the CRC32C trailer");
        }
    }
}
