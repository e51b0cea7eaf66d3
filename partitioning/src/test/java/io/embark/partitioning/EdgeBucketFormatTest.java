package io.embark.partitioning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EdgeBucketFormatTest {

    @Test
    void layout_is_byte_exact() throws IOException {
        // Bucket (1, 0), unweighted, one edge (relation 2, lhs offset 5, rhs offset 7):
        // 32 header bytes then 3 little-endian int32s = 44 bytes.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (EdgeBucketWriter w = new EdgeBucketWriter(bytes, new Bucket(1, 0), false)) {
            w.write(2, 5, 7, 1f);
        }
        byte[] b = bytes.toByteArray();
        assertEquals(44, b.length);
        assertArrayEquals("EMBKEDGE".getBytes(java.nio.charset.StandardCharsets.US_ASCII), Arrays.copyOf(b, 8));
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1, buf.getInt(8), "version");
        assertEquals(0, buf.getInt(12), "flags: unweighted");
        assertEquals(1, buf.getInt(16), "lhs partition");
        assertEquals(0, buf.getInt(20), "rhs partition");
        assertEquals(2, buf.getInt(32));
        assertEquals(5, buf.getInt(36));
        assertEquals(7, buf.getInt(40));
        assertEquals(5, b[36], "little-endian: low byte first");
    }

    @Test
    void round_trip_with_weights_and_checksum() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long crc;
        int n = 100_003;
        try (EdgeBucketWriter w = new EdgeBucketWriter(bytes, new Bucket(3, 2), true, 4096)) {
            for (int i = 0; i < n; i++) {
                w.write(i % 11, i, n - i, i * 0.5f);
            }
            w.close();
            assertEquals(n, w.count());
            crc = w.checksum();
        }
        assertEquals(32 + 16L * n, bytes.size());
        try (EdgeBucketReader r = new EdgeBucketReader(new ByteArrayInputStream(bytes.toByteArray()), "mem")) {
            assertEquals(new Bucket(3, 2), r.bucket());
            assertTrue(r.weighted());
            EdgeBlock block = new EdgeBlock(0, true);
            assertEquals(n, r.readInto(block));
            assertEquals(crc, r.checksum());
            for (int i : new int[] {0, 1, 4095, n - 1}) {
                assertEquals(i % 11, block.relation(i));
                assertEquals(i, block.lhs(i));
                assertEquals(n - i, block.rhs(i));
                assertEquals(i * 0.5f, block.weight(i));
            }
        }
    }

    @Test
    void rejects_foreign_and_truncated_files() throws IOException {
        IOException bad = assertThrows(IOException.class,
                () -> new EdgeBucketReader(new ByteArrayInputStream(new byte[40]), "x.ebk"));
        assertTrue(bad.getMessage().contains("x.ebk") && bad.getMessage().contains("bad magic"), bad.getMessage());

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (EdgeBucketWriter w = new EdgeBucketWriter(bytes, new Bucket(0, 0), false)) {
            w.write(1, 2, 3, 1f);
            w.write(1, 2, 3, 1f);
        }
        byte[] cut = Arrays.copyOf(bytes.toByteArray(), bytes.size() - 5);
        try (EdgeBucketReader r = new EdgeBucketReader(new ByteArrayInputStream(cut), "cut.ebk")) {
            IOException e = assertThrows(IOException.class, () -> r.readInto(new EdgeBlock(0, false)));
            assertTrue(e.getMessage().contains("cut.ebk") && e.getMessage().contains("truncated"), e.getMessage());
        }
    }

    @Test
    void bucket_dir_names_round_trip() {
        Bucket b = new Bucket(12, 3);
        assertEquals("lhs-00012_rhs-00003", b.dirName());
        assertEquals(b, Bucket.parseDirName(b.dirName()));
        assertEquals(null, Bucket.parseDirName("something-else"));
        assertEquals(3, Side.RHS.pick(12, 3));
    }

    @Test
    void name_codec_round_trips_awkward_names() {
        for (String s : new String[] {"plain", "tab\there", "new\nline", "back\\slash", "\\n literal", ""}) {
            String enc = NameCodec.encode(s);
            assertTrue(enc.indexOf('\n') < 0 && enc.indexOf('\t') < 0);
            assertEquals(s, NameCodec.decode(enc));
        }
    }

    @Test
    void schema_requires_equal_partition_counts_and_declared_types() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GraphSchema.explicit(
                java.util.List.of(new EntityType("user", 4), new EntityType("item", 2)),
                java.util.List.of(new RelationType("buys", "user", "item"))));
        assertTrue(e.getMessage().contains("same number of partitions"), e.getMessage());
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> GraphSchema.dynamic(
                java.util.List.of(new EntityType("node", 4)), "node", "nodes"));
        assertTrue(e2.getMessage().contains("'nodes' is not declared"), e2.getMessage());
        GraphSchema s = GraphSchema.explicit(
                java.util.List.of(new EntityType("user", 4), new EntityType("tag", 1)),
                java.util.List.of(new RelationType("uses", "user", "tag")));
        assertEquals(4, s.gridPartitions(Side.LHS));
        assertEquals(1, s.gridPartitions(Side.RHS));
    }
}
