package io.embark.embedding.storage;

import io.embark.partitioning.OwnChecksums;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The one way checkpoint files are read: against their length and CRC32C, as the version's manifest records them
 * (or, for a file of an epoch in progress, its trailer alone), computed over what the reader reads, so a file is read
 * once. Every mismatch and a missing file are refused through a {@link Refusal} that names the file, what was
 * expected and what was found. Files are read past Hadoop's {@code .crc} layer ({@link OwnChecksums}): the CRC32C
 * decides.
 */
final class CheckedFiles {

    private static final int BUFFER = 1 << 20;

    /** Reads the content of a file that ends with a CRC32C trailer (and checks the trailer: {@link Crc32cInputStream#checkTrailer}). */
    @FunctionalInterface
    interface Reader<T> {
        T read(Crc32cInputStream in) throws IOException;
    }

    /** Makes the exception that refuses {@code file}. */
    @FunctionalInterface
    interface Refusal {
        IOException refuse(Path file, String problem, Throwable cause);
    }

    private CheckedFiles() {
    }

    /**
     * Reads {@code p}, which ends with a trailer, through {@code reader}; {@code expected} is what the manifest records
     * (null: check the trailer only, as for the files of an epoch in progress).
     */
    static <T> T read(FileSystem fs, Path p, FileCrc expected, Reader<T> reader, Refusal refusal) throws IOException {
        long length = length(fs, p, expected, refusal);
        FileSystem own = OwnChecksums.fileSystem(fs);
        try (Crc32cInputStream in = new Crc32cInputStream(new BufferedInputStream(own.open(p), BUFFER), length, p.toString())) {
            T value;
            try {
                value = reader.read(in);
            } catch (IOException | RuntimeException e) {
                // learn whether the file is damaged (its CRC32C differs) or the reader failed on a whole file
                try {
                    in.drain();
                } catch (IOException drain) {
                    e.addSuppressed(drain);
                }
                if (expected != null && in.crc32c() != expected.crc32c()) {
                    throw refusal.refuse(p, crcProblem(in.crc32c(), expected), e);
                }
                if (e instanceof Crc32cInputStream.ChecksumMismatch || e instanceof EOFException) {
                    throw refusal.refuse(p, e.getMessage().replace(p + ": ", ""), e);
                }
                throw e;
            }
            if (expected != null && in.crc32c() != expected.crc32c()) {
                throw refusal.refuse(p, crcProblem(in.crc32c(), expected) + " (the file matches its own trailer: it is another file than "
                        + "the one this version was committed with)", null);
            }
            return value;
        }
    }

    /** Reads the whole of a small file without a trailer ({@code checkpoint.json}) and checks it against the manifest. */
    static byte[] readAll(FileSystem fs, Path p, FileCrc expected, Refusal refusal) throws IOException {
        long length = length(fs, p, expected, refusal);
        if (length > Integer.MAX_VALUE - 8) {
            throw refusal.refuse(p, length + " bytes: too large for a file read whole", null);
        }
        byte[] bytes = new byte[(int) length];
        try (InputStream in = OwnChecksums.fileSystem(fs).open(p)) {
            int got = 0;
            while (got < bytes.length) {
                int n = in.read(bytes, got, bytes.length - got);
                if (n < 0) {
                    throw refusal.refuse(p, "ends after " + got + " bytes, expected " + length, null);
                }
                got += n;
            }
        }
        long crc = VersionManifest.crc32c(bytes, bytes.length);
        if (crc != expected.crc32c()) {
            throw refusal.refuse(p, crcProblem(crc, expected), null);
        }
        return bytes;
    }

    /** Reads all of {@code p} and checks it (and its trailer, when it has one) against {@code expected}. */
    static void verify(FileSystem fs, Path p, FileCrc expected, boolean trailer, Refusal refusal) throws IOException {
        if (trailer) {
            read(fs, p, expected, in -> {
                in.drain();
                return in.checkTrailer();
            }, refusal);
        } else {
            readAll(fs, p, expected, refusal);
        }
    }

    private static long length(FileSystem fs, Path p, FileCrc expected, Refusal refusal) throws IOException {
        FileStatus st;
        try {
            st = fs.getFileStatus(p);
        } catch (FileNotFoundException e) {
            throw refusal.refuse(p, "missing" + (expected == null ? "" : " (the manifest lists " + expected.bytes() + " bytes with CRC32C "
                    + expected.hex() + ")"), e);
        }
        if (expected != null && st.getLen() != expected.bytes()) {
            throw refusal.refuse(p, st.getLen() + " bytes, expected " + expected.bytes() + " (" + VersionManifest.FILE + ")", null);
        }
        return st.getLen();
    }

    private static String crcProblem(long found, FileCrc expected) {
        return "CRC32C " + FileCrc.hex(found) + ", expected " + expected.hex() + " (" + VersionManifest.FILE + ")";
    }
}
