package io.embark.partitioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BucketIndexTest {

    @TempDir
    Path dir;

    private static List<BucketIndex.Entry> entries() {
        // a 3 x 2 grid in 2 slots: (0, 1) in both slots, (2, 0) in slot 1, the rest empty; listed out of order
        return List.of(
                new BucketIndex.Entry(2, 0, 1, 17, 5, 0xabcL),
                new BucketIndex.Entry(0, 1, 1, 12, 3, 0x2L),
                new BucketIndex.Entry(0, 1, 0, 11, 4, 0x1L));
    }

    @Test
    void looks_up_files_and_edges_per_bucket() {
        BucketIndex index = new BucketIndex(3, 2, 2, entries());
        assertEquals(3, index.fileCount());
        assertEquals(12, index.totalEdges());
        assertEquals(7, index.edges(new Bucket(0, 1)));
        assertEquals(0, index.edges(new Bucket(1, 1)));
        assertEquals(0, index.edges(new Bucket(7, 0)), "outside the grid: empty");
        assertEquals(List.of(0, 1), index.files(new Bucket(0, 1)).stream().map(BucketIndex.Entry::slot).toList());
        assertEquals(List.of(new Bucket(0, 1), new Bucket(2, 0)), index.nonEmptyBuckets());
        assertEquals("lhs-00002_rhs-00000.s0001.a17.ebk", index.files(new Bucket(2, 0)).get(0).fileName());
    }

    @Test
    void survives_a_round_trip_and_refuses_damage_by_name() throws IOException {
        FileSystem fs = FileSystem.getLocal(new Configuration()).getRaw();
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(dir.resolve("index.ebi").toString());
        byte[] bytes = new BucketIndex(3, 2, 2, entries()).write(fs, path);
        long crc = BucketIndex.checksum(bytes);
        BucketIndex back = BucketIndex.read(fs, path, bytes.length, crc);
        assertEquals(new BucketIndex(3, 2, 2, entries()).entries(), back.entries());

        bytes[40] ^= 1;  // one bit of the first entry
        try (OutputStream out = fs.create(path, true)) {
            out.write(bytes);
        }
        IOException damaged = assertThrows(IOException.class, () -> BucketIndex.read(fs, path, bytes.length, crc));
        assertTrue(damaged.getMessage().contains(path.toString()) && damaged.getMessage().contains("re-run import"), damaged.getMessage());
        IOException shorter = assertThrows(IOException.class, () -> BucketIndex.read(fs, path, bytes.length + 1, crc));
        assertTrue(shorter.getMessage().contains("shorter"), shorter.getMessage());
    }

    @Test
    void refuses_a_slot_listed_twice_or_a_file_outside_the_grid() {
        List<BucketIndex.Entry> twice = new ArrayList<>(entries());
        twice.add(new BucketIndex.Entry(0, 1, 1, 99, 3, 0x2L));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BucketIndex(3, 2, 2, twice));
        assertTrue(e.getMessage().contains("listed twice"), e.getMessage());
        List<BucketIndex.Entry> outside = List.of(new BucketIndex.Entry(3, 0, 0, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new BucketIndex(3, 2, 1, outside));
        List<BucketIndex.Entry> badSlot = List.of(new BucketIndex.Entry(0, 0, 2, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new BucketIndex(3, 2, 2, badSlot));
    }

    @Test
    void a_dataset_of_the_layout_before_the_index_is_refused_with_the_way_forward() throws IOException {
        // what an import before 2026-12 wrote: format 1, every file of every task listed in the manifest
        FileSystem fs = FileSystem.getLocal(new Configuration()).getRaw();
        org.apache.hadoop.fs.Path manifest = new org.apache.hadoop.fs.Path(dir.resolve("manifest.json").toString());
        try (OutputStream out = fs.create(manifest, true)) {
            out.write(("{\"formatVersion\": 1, \"lhsPartitions\": 1, \"rhsPartitions\": 1, \"splits\": {\"train\": {\"edges\": 1, "
                    + "\"files\": [{\"lhsPartition\": 0, \"rhsPartition\": 0, \"path\": \"buckets/train/lhs-00000_rhs-00000/part-00000-a0.ebk\", "
                    + "\"edges\": 1, \"crc32c\": 1, \"bytes\": 44}]}}}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        IOException old = assertThrows(IOException.class,
                () -> ImportedGraph.open(fs, new org.apache.hadoop.fs.Path(dir.toString())));
        assertTrue(old.getMessage().contains("format version 1") && old.getMessage().contains("embark import")
                && old.getMessage().contains("import.overwrite=true"), old.getMessage());
    }
}
