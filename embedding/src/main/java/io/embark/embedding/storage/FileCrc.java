package io.embark.embedding.storage;

/**
 * A checkpoint file's length in bytes and its CRC32C: of the bytes before its trailer for the files that end with one
 * ({@code .emb}, {@code relations.bin}; the trailer holds the same value), of all its bytes otherwise
 * ({@code checkpoint.json}). What {@link VersionManifest} records per file.
 */
public record FileCrc(long bytes, long crc32c) {

    /** The CRC32C as the manifest and the messages spell it: 8 lower-case hex digits. */
    public String hex() {
        return hex(crc32c);
    }

    static String hex(long crc32c) {
        return String.format("%08x", crc32c);
    }
}
