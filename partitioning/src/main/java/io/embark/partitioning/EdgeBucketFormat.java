package io.embark.partitioning;

/**
 * The binary layout of an edge-bucket file (extension {@code .ebk}). All numbers are little-endian.
 *
 * <pre>
 * offset  size  field
 *      0     8  magic "EMBKEDGE" (ASCII)
 *      8     4  int32 format version (1)
 *     12     4  int32 flags: bit 0 set = every record carries a weight
 *     16     4  int32 lhs partition of the bucket
 *     20     4  int32 rhs partition of the bucket
 *     24     8  int64 reserved, 0
 *     32   ...  records, each: int32 relation id, int32 lhs offset, int32 rhs offset [, float32 weight]
 * </pre>
 *
 * A record is 12 bytes (16 with weights); the edge count is {@code (fileLength - 32) / recordSize}, and the
 * import manifest stores each file's count and CRC32C so a reader can check that a file is whole. The full
 * description, with a worked 2 x 2 example, is in {@code docs/bucket-format.md}.
 */
public final class EdgeBucketFormat {

    public static final byte[] MAGIC = {'E', 'M', 'B', 'K', 'E', 'D', 'G', 'E'};
    public static final int VERSION = 1;
    public static final int HEADER_BYTES = 32;
    public static final int FLAG_WEIGHTED = 1;
    public static final String FILE_SUFFIX = ".ebk";

    private EdgeBucketFormat() {
    }

    public static int recordBytes(boolean weighted) {
        return weighted ? 16 : 12;
    }
}
