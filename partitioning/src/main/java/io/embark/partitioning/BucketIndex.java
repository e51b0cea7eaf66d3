package io.embark.partitioning;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.zip.CRC32C;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The index of one split's edge-bucket files: for every bucket of the L x R grid, the files that hold its edges, each
 * with its edge count and the CRC32C of its records. It is written once by the import (one small binary file per
 * split, {@code buckets/SPLIT/index.ebi}, whose own CRC32C the manifest records) and read once when a dataset is
 * opened, so that looking up a bucket's files or edge count is O(1) and planning an epoch is O(buckets), whatever the
 * number of Spark tasks that wrote the dataset.
 *
 * <p>A file is named by its bucket, its slot and the attempt that wrote it ({@link #fileName}); the import writes each
 * bucket as {@code slots} files at most (one per slot), so a dataset of L x R buckets has at most L x R x slots files.
 *
 * <p>Example, a 2 x 2 grid with one slot, buckets (0, 1) and (1, 1) non-empty:
 * <pre>
 *   bucket  key = lhs * R + rhs   start[key]   files
 *   (0, 0)  0                     0            -
 *   (0, 1)  1                     0            lhs-00000_rhs-00001.s0000.a0.ebk  (edges 2, crc ...)
 *   (1, 0)  2                     1            -
 *   (1, 1)  3                     1            lhs-00001_rhs-00001.s0000.a0.ebk  (edges 1, crc ...)
 *   end                           2
 * </pre>
 *
 * <p>Binary layout (little-endian): magic {@code EMBKINDX}, int32 version 1, int32 L, int32 R, int32 slots, int64 file
 * count, then per file (sorted by bucket, then slot) int32 lhs, int32 rhs, int32 slot, int64 attempt (Spark task attempt id), int64 edges,
 * int64 CRC32C; then int64 CRC32C of every byte before it.
 */
public final class BucketIndex {

    public static final String FILE_NAME = "index.ebi";
    private static final byte[] MAGIC = {'E', 'M', 'B', 'K', 'I', 'N', 'D', 'X'};
    private static final int VERSION = 1;
    private static final int HEADER_BYTES = 8 + 4 * 4 + 8;
    private static final int ENTRY_BYTES = 3 * 4 + 3 * 8;

    /** One bucket file: which bucket and slot it holds, which task attempt wrote it, its edge count and checksum. */
    public record Entry(int lhsPartition, int rhsPartition, int slot, long attempt, long edges, long crc32c) {

        public Bucket bucket() {
            return new Bucket(lhsPartition, rhsPartition);
        }

        /** The file's name inside its split's bucket directory. */
        public String fileName() {
            return BucketIndex.fileName(bucket(), slot, attempt);
        }
    }

    private final int lhsPartitions;
    private final int rhsPartitions;
    private final int slots;
    private final Entry[] entries;
    private final int[] start;
    private final long[] bucketEdges;

    /** Indexes {@code files} (any order) of an {@code lhsPartitions x rhsPartitions} grid written in {@code slots} slots. */
    public BucketIndex(int lhsPartitions, int rhsPartitions, int slots, List<Entry> files) {
        if (lhsPartitions < 1 || rhsPartitions < 1 || slots < 1) {
            throw new IllegalArgumentException("bucket grid " + lhsPartitions + " x " + rhsPartitions + " with " + slots + " slot(s)");
        }
        long cells = (long) lhsPartitions * rhsPartitions;
        if (cells > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("bucket grid " + lhsPartitions + " x " + rhsPartitions + " has more than 2^31 buckets");
        }
        this.lhsPartitions = lhsPartitions;
        this.rhsPartitions = rhsPartitions;
        this.slots = slots;
        this.entries = files.toArray(new Entry[0]);
        Arrays.sort(entries, Comparator.comparingInt((Entry e) -> e.lhsPartition).thenComparingInt(e -> e.rhsPartition)
                .thenComparingInt(e -> e.slot).thenComparingLong(e -> e.attempt));
        this.start = new int[(int) cells + 1];
        this.bucketEdges = new long[(int) cells];
        int i = 0;
        for (int key = 0; key < cells; key++) {
            start[key] = i;
            while (i < entries.length && key(entries[i].lhsPartition, entries[i].rhsPartition) == key) {
                bucketEdges[key] += entries[i].edges;
                if (i > start[key] && entries[i - 1].slot == entries[i].slot) {
                    throw new IllegalArgumentException("bucket " + entries[i].bucket() + " slot " + entries[i].slot
                            + " is listed twice (attempts " + entries[i - 1].attempt + " and " + entries[i].attempt + ")");
                }
                if (entries[i].slot < 0 || entries[i].slot >= slots) {
                    throw new IllegalArgumentException("bucket " + entries[i].bucket() + ": slot " + entries[i].slot
                            + " outside 0.." + (slots - 1));
                }
                i++;
            }
        }
        start[(int) cells] = i;
        if (i != entries.length) {
            Entry e = entries[i];
            throw new IllegalArgumentException("bucket file for " + e.bucket() + " lies outside the " + lhsPartitions + " x "
                    + rhsPartitions + " grid");
        }
    }

    /** The name of the file holding {@code slot} of {@code bucket}, written by task attempt {@code attempt}. */
    public static String fileName(Bucket bucket, int slot, long attempt) {
        return String.format("%s.s%04d.a%d%s", bucket.dirName(), slot, attempt, EdgeBucketFormat.FILE_SUFFIX);
    }

    private int key(int lhs, int rhs) {
        if (lhs < 0 || lhs >= lhsPartitions || rhs < 0 || rhs >= rhsPartitions) {
            return -1;
        }
        return lhs * rhsPartitions + rhs;
    }

    public int lhsPartitions() {
        return lhsPartitions;
    }

    public int rhsPartitions() {
        return rhsPartitions;
    }

    /** How many files a bucket may have at most. */
    public int slots() {
        return slots;
    }

    /** Number of files of the split. */
    public int fileCount() {
        return entries.length;
    }

    /** Edges of the whole split. */
    public long totalEdges() {
        long n = 0;
        for (long e : bucketEdges) {
            n += e;
        }
        return n;
    }

    /** The files of {@code bucket}, in slot order; empty for an empty bucket or one outside the grid. */
    public List<Entry> files(Bucket bucket) {
        int k = key(bucket.lhsPartition(), bucket.rhsPartition());
        return k < 0 ? List.of() : Arrays.asList(entries).subList(start[k], start[k + 1]);
    }

    /** Number of edges in {@code bucket}. */
    public long edges(Bucket bucket) {
        int k = key(bucket.lhsPartition(), bucket.rhsPartition());
        return k < 0 ? 0 : bucketEdges[k];
    }

    /** The buckets that hold at least one edge, in bucket order. */
    public List<Bucket> nonEmptyBuckets() {
        List<Bucket> out = new ArrayList<>();
        for (int k = 0; k < bucketEdges.length; k++) {
            if (bucketEdges[k] > 0) {
                out.add(new Bucket(k / rhsPartitions, k % rhsPartitions));
            }
        }
        return out;
    }

    /** Every file, sorted by bucket then slot. */
    public List<Entry> entries() {
        return List.of(entries);
    }

    /** The index as bytes, its CRC32C in the last 8. */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + entries.length * ENTRY_BYTES + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putInt(VERSION).putInt(lhsPartitions).putInt(rhsPartitions).putInt(slots).putLong(entries.length);
        for (Entry e : entries) {
            b.putInt(e.lhsPartition).putInt(e.rhsPartition).putInt(e.slot).putLong(e.attempt).putLong(e.edges).putLong(e.crc32c);
        }
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putLong(crc.getValue());
        return b.array();
    }

    /** CRC32C of the whole serialized index (what the manifest records). */
    public static long checksum(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length);
        return crc.getValue();
    }

    /** Writes the index to {@code path}; returns its bytes (for the manifest's size and checksum). */
    public byte[] write(FileSystem fs, Path path) throws IOException {
        byte[] bytes = toBytes();
        try (OutputStream out = fs.create(path, true)) {
            out.write(bytes);
        }
        return bytes;
    }

    /**
     * Reads the index at {@code path}, checking its length and CRC32C against what the manifest recorded
     * ({@code expectedBytes}, {@code expectedCrc32c}) and its own trailing checksum.
     */
    public static BucketIndex read(FileSystem fs, Path path, long expectedBytes, long expectedCrc32c) throws IOException {
        if (expectedBytes < HEADER_BYTES + 8 || expectedBytes > Integer.MAX_VALUE - 8) {
            throw new IOException(path + ": the manifest records an index of " + expectedBytes + " bytes: the dataset is damaged; re-run import");
        }
        byte[] bytes = new byte[(int) expectedBytes];
        try (InputStream in = fs.open(path)) {
            new DataInputStream(in).readFully(bytes);
            if (in.read() >= 0) {
                throw new IOException(path + ": longer than the " + expectedBytes + " bytes the manifest records: the dataset is damaged; "
                        + "re-run import");
            }
        } catch (EOFException e) {
            throw new IOException(path + ": shorter than the " + expectedBytes + " bytes the manifest records: the dataset is damaged; "
                    + "re-run import", e);
        }
        long crc = checksum(bytes);
        if (crc != expectedCrc32c) {
            throw new IOException(path + ": CRC32C " + Long.toHexString(crc) + ", the manifest says " + Long.toHexString(expectedCrc32c)
                    + ": the dataset is damaged; re-run import");
        }
        return parse(bytes, path.toString());
    }

    static BucketIndex parse(byte[] bytes, String source) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[MAGIC.length];
        b.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IOException(source + ": not a bucket index (bad magic)");
        }
        int version = b.getInt();
        if (version != VERSION) {
            throw new IOException(source + ": bucket index version " + version + " (this build reads " + VERSION + ")");
        }
        int lhs = b.getInt();
        int rhs = b.getInt();
        int slots = b.getInt();
        long count = b.getLong();
        if (count < 0 || count != (bytes.length - HEADER_BYTES - 8) / ENTRY_BYTES
                || HEADER_BYTES + count * ENTRY_BYTES + 8 != bytes.length) {
            throw new IOException(source + ": bucket index says " + count + " files, its length " + bytes.length + " bytes holds "
                    + (bytes.length - HEADER_BYTES - 8) / ENTRY_BYTES);
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 8);
        long trailer = ByteBuffer.wrap(bytes, bytes.length - 8, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (trailer != crc.getValue()) {
            throw new IOException(source + ": bucket index checksum mismatch: the dataset is damaged; re-run import");
        }
        List<Entry> entries = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            entries.add(new Entry(b.getInt(), b.getInt(), b.getInt(), b.getLong(), b.getLong(), b.getLong()));
        }
        try {
            return new BucketIndex(lhs, rhs, slots, entries);
        } catch (IllegalArgumentException e) {
            throw new IOException(source + ": " + e.getMessage(), e);
        }
    }
}
