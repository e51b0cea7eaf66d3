package io.embark.partitioning;

import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileSystem;

/**
 * The file system for the files that carry their own CRC32C (edge buckets, whose index records it; checkpoint files,
 * whose version manifest and trailers do), checked on every read. On a {@link ChecksumFileSystem} (Hadoop's
 * {@code file://}, {@code LocalFileSystem}) these are written and read on the raw file system underneath: its
 * {@code .crc} sidecars would checksum every byte a second time, in 512-byte pieces, and that cost more than the
 * write itself (a 226 MB table: 549 ms against 139 ms written raw, {@code TableFileJmh}; docs/BENCHMARKS.md, "Files
 * past Hadoop's checksum layer"). Any other file system (HDFS, S3A, ...) is returned as it is.
 *
 * <p>A file is always written and rewritten through the same one of the two (every writer of a kind of file calls
 * this), so no sidecar is ever left that disagrees with its file; sidecars that versions before this one wrote are
 * ignored on read (the file's own CRC32C decides) and go with their directory when it is deleted.
 */
public final class OwnChecksums {

    private OwnChecksums() {
    }

    /** {@code fs} without Hadoop's checksum layer, where it has one. */
    public static FileSystem fileSystem(FileSystem fs) {
        return fs instanceof ChecksumFileSystem checksummed ? checksummed.getRawFileSystem() : fs;
    }
}
