package io.embark.embedding.storage;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Reads the content of a file of known length that ends with a CRC32C trailer ({@link Crc32cOutputStream}),
 * computing the CRC32C of what the reader reads, so that checking costs no second pass. The stream ends where the
 * trailer starts, so a reader that asks for more sees the end of the file; {@link #checkTrailer()}, called once the
 * content is read, compares the computed CRC32C with the trailer and checks that nothing follows.
 *
 * <p>Example: a 64-byte {@code .emb} file is 56 bytes of content (header and floats) and the trailer; the reader
 * reads the 56, {@code checkTrailer()} reads the last 8 and compares.
 */
public final class Crc32cInputStream extends FilterInputStream {

    private final CRC32C crc = new CRC32C();
    private final long contentBytes;
    private final String source;
    private long position;

    /** {@code fileBytes}: the file's length, trailer included; {@code source} names the file in errors. */
    public Crc32cInputStream(InputStream in, long fileBytes, String source) throws IOException {
        super(in);
        if (fileBytes < Crc32cOutputStream.TRAILER_BYTES) {
            throw new IOException(source + ": " + fileBytes + " bytes, shorter than its " + Crc32cOutputStream.TRAILER_BYTES
                    + "-byte CRC32C trailer");
        }
        this.contentBytes = fileBytes - Crc32cOutputStream.TRAILER_BYTES;
        this.source = source;
    }

    /** Bytes before the trailer. */
    public long contentBytes() {
        return contentBytes;
    }

    /** Bytes of content read so far. */
    public long position() {
        return position;
    }

    /** The CRC32C of the content read so far. */
    public long crc32c() {
        return crc.getValue();
    }

    public String source() {
        return source;
    }

    @Override
    public int read() throws IOException {
        if (position >= contentBytes) {
            return -1;
        }
        int b = in.read();
        if (b >= 0) {
            crc.update(b);
            position++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (position >= contentBytes) {
            return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, contentBytes - position));
        if (n > 0) {
            crc.update(b, off, n);
            position += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[(int) Math.min(n, 1 << 16)];
        int r = read(buf, 0, buf.length);
        return Math.max(r, 0);
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(in.available(), contentBytes - position);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Reads what is left of the content (to learn its CRC32C when a reader stopped early). */
    public void drain() throws IOException {
        byte[] buf = new byte[1 << 16];
        while (read(buf, 0, buf.length) > 0) {
            // computing the CRC32C
        }
    }

    /**
     * Checks that the whole content was read, that the trailer equals its CRC32C and that the file ends there; returns
     * the CRC32C.
     */
    public long checkTrailer() throws IOException {
        if (position != contentBytes) {
            throw new IOException(source + ": " + (contentBytes - position) + " bytes before the CRC32C trailer were not read: "
                    + "the content is shorter than the file");
        }
        byte[] t = new byte[Crc32cOutputStream.TRAILER_BYTES];
        int got = 0;
        while (got < t.length) {
            int n = in.read(t, got, t.length - got);
            if (n < 0) {
                throw new EOFException(source + ": ends inside its CRC32C trailer");
            }
            got += n;
        }
        long trailer = ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (trailer != crc.getValue()) {
            throw new ChecksumMismatch(source + ": CRC32C " + FileCrc.hex(crc.getValue()) + ", its trailer says " + FileCrc.hex(trailer));
        }
        if (in.read() >= 0) {
            throw new IOException(source + ": bytes follow its CRC32C trailer");
        }
        return trailer;
    }

    /** The content's CRC32C differs from its trailer: the file was changed after it was written. */
    public static final class ChecksumMismatch extends IOException {
        private static final long serialVersionUID = 1L;

        ChecksumMismatch(String message) {
            super(message);
        }
    }
}
