package io.embark.embedding.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * A table in segments of whole rows must behave exactly as one array: the same rows, the same accumulators, the same
 * file. Small tables are forced into segments of a few rows ({@link SegmentedTables}); the default layout of a 16M x 200
 * table (12.8 GB, 4 segments) is checked by its arithmetic, without allocating it.
 */
class SegmentedTableTest {

    private static final int ROWS = 37;
    private static final int DIM = 3;

    @Test
    void theJavadocExample() {
        // 5 rows of dimension 2, 2 rows per segment: segments of 2, 2 and 1 rows; row 3 is row 1 of segment 1
        EmbeddingTable t = EmbeddingTable.zeros("e", 0, 5, 2, false, 2);
        assertEquals(3, t.segments());
        assertEquals(2, t.rowsPerSegment());
        assertArrayEquals(new int[] {2, 2, 1}, new int[] {t.segmentRows(0), t.segmentRows(1), t.segmentRows(2)});
        assertArrayEquals(new int[] {0, 2, 4}, new int[] {t.segmentStart(0), t.segmentStart(1), t.segmentStart(2)});
        assertSame(t.segmentData(1), t.data(3));
        assertEquals(2, t.dataOffset(3));
        assertSame(t.segmentState(1), t.state(3));
        assertEquals(1, t.stateOffset(3));
        assertEquals(1, t.segmentState(2).length);
        EmbeddingTable e = EmbeddingTable.zeros("e", 0, 5, 2, true, 2);
        assertEquals(2, e.stateOffset(3));
        assertEquals(2, e.segmentState(2).length);
    }

    @Test
    void theDefaultLayoutIsOneSegmentUpTo2To30FloatsAndPowerOfTwoSegmentsAbove() {
        assertEquals(1, segments(14_541, 400)); // FB15k at d 400: 5.8M floats
        assertEquals(1, segments(1 << 20, 1 << 10)); // exactly 2^30 floats
        assertEquals(2, segments((1 << 20) + 1, 1 << 10));
        // 16M rows x d 200 = 3.2e9 floats (12.8 GB): segments of 2^22 rows (838,860,800 floats), 4 of them
        assertEquals(1 << 22, EmbeddingTable.rowsPerSegment(16_000_000, 200));
        assertEquals(4, segments(16_000_000, 200));
        // the most rows a partition holds, at the widest dimension the config allows
        assertEquals(1 << 14, EmbeddingTable.rowsPerSegment(EmbeddingTable.MAX_ROWS, 1 << 16));
        for (int[] shape : new int[][] {{16_000_000, 200}, {EmbeddingTable.MAX_ROWS, 1}, {EmbeddingTable.MAX_ROWS, 137},
                {EmbeddingTable.MAX_ROWS, 1 << 16}, {3, 1 << 16}}) {
            long rps = EmbeddingTable.rowsPerSegment(shape[0], shape[1]);
            assertEquals(1, Long.bitCount(rps), "a power of two");
            assertEquals(true, Math.min(rps, shape[0]) * shape[1] <= EmbeddingTable.MAX_SEGMENT_FLOATS, "a segment fits");
        }
    }

    private static long segments(int rows, int dim) {
        long rps = EmbeddingTable.rowsPerSegment(rows, dim);
        return (rows + rps - 1) / rps;
    }

    @Test
    void badSegmentSizesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> EmbeddingTable.zeros("e", 0, 10, 2, false, 3));
        assertThrows(IllegalArgumentException.class, () -> EmbeddingTable.zeros("e", 0, -1, 2, false));
        assertThrows(IllegalArgumentException.class, () -> EmbeddingTable.zeros("e", 0, 10, 0, false));
    }

    @ParameterizedTest(name = "elementwise={0}")
    @ValueSource(booleans = {false, true})
    void everyRowResolvesToItsOwnSliceAndNothingElse(boolean elementwise) {
        EmbeddingTable one = random(elementwise, 5);
        EmbeddingTable seg = SegmentedTables.resegmented(one, 4);
        assertEquals(1, one.segments());
        assertEquals(10, seg.segments()); // ceil(37 / 4)
        int width = elementwise ? DIM : 1;
        for (int i = 0; i < ROWS; i++) {
            assertArrayEquals(one.row(i), seg.row(i), "row " + i);
            // a write through row i's (array, offset) changes row i only, in both layouts alike
            float[] before = SegmentedTables.flatten(seg);
            seg.data(i)[seg.dataOffset(i) + DIM - 1] = 1000f + i;
            seg.state(i)[seg.stateOffset(i) + width - 1] = 2000f + i;
            one.data(i)[one.dataOffset(i) + DIM - 1] = 1000f + i;
            one.state(i)[one.stateOffset(i) + width - 1] = 2000f + i;
            float[] after = SegmentedTables.flatten(seg);
            int base = i * (DIM + width);
            for (int k = 0; k < after.length; k++) {
                boolean mine = k == base + DIM - 1 || k == base + DIM + width - 1;
                assertEquals(mine, before[k] != after[k], "row " + i + ": entry " + k + " changed");
            }
        }
        assertArrayEquals(SegmentedTables.flatten(one), SegmentedTables.flatten(seg));
    }

    @Test
    void randomValuesDoNotDependOnTheSegmentation() {
        EmbeddingTable seg = EmbeddingTable.zeros("e", 0, ROWS, DIM, false, 4);
        seg.fillRandom(0.5, new SplittableRandom(9));
        assertArrayEquals(SegmentedTables.flatten(EmbeddingTable.random("e", 0, ROWS, DIM, 0.5, new SplittableRandom(9))),
                SegmentedTables.flatten(seg));
    }

    @Test
    void aCopyOfASegmentedTableIsDeep() {
        EmbeddingTable seg = SegmentedTables.resegmented(random(false, 1), 4);
        EmbeddingTable copy = seg.copy();
        assertEquals(seg.segments(), copy.segments());
        assertNotSame(seg.data(ROWS - 1), copy.data(ROWS - 1));
        copy.data(ROWS - 1)[copy.dataOffset(ROWS - 1)] += 1f;
        copy.state(ROWS - 1)[copy.stateOffset(ROWS - 1)] += 1f;
        assertEquals(seg.row(ROWS - 1)[0] + 1f, copy.row(ROWS - 1)[0]);
        assertEquals(seg.state(ROWS - 1)[seg.stateOffset(ROWS - 1)] + 1f, copy.state(ROWS - 1)[copy.stateOffset(ROWS - 1)]);
    }

    @ParameterizedTest(name = "elementwise={0}")
    @ValueSource(booleans = {false, true})
    void theFileDoesNotDependOnTheSegmentationAndReadsBackIntoAny(boolean elementwise) throws IOException {
        EmbeddingTable one = random(elementwise, 7);
        one.state(5)[one.stateOffset(5)] = 0.25f; // accumulators that are not all zero
        one.state(36)[one.stateOffset(36)] = 0.5f;
        EmbeddingTable seg = SegmentedTables.resegmented(one, 4);
        byte[] a = bytes(one);
        byte[] b = bytes(seg);
        assertArrayEquals(a, b, "the same bytes");
        assertEquals(16 + 4L * (ROWS * DIM + ROWS * (elementwise ? DIM : 1)) + 8, a.length, "header, floats, CRC32C trailer");
        assertArrayEquals(new int[] {ROWS, DIM, elementwise ? 1 : 0}, TableFormat.readShape(new ByteArrayInputStream(b), b.length, "t"));
        EmbeddingTable backOne = TableFormat.read("e", 0, in(b));
        EmbeddingTable backSeg = TableFormat.read("e", 0, in(a), 8);
        assertEquals(1, backOne.segments());
        assertEquals(5, backSeg.segments()); // ceil(37 / 8)
        assertEquals(elementwise, backSeg.elementwise());
        assertArrayEquals(SegmentedTables.flatten(one), SegmentedTables.flatten(backOne));
        assertArrayEquals(SegmentedTables.flatten(one), SegmentedTables.flatten(backSeg));
        // a file cut short in the last segment's accumulators is refused, not read as zeros
        byte[] cut = java.util.Arrays.copyOf(a, a.length - 4);
        assertThrows(IOException.class, () -> TableFormat.read("e", 0, in(cut), 8));
        // a flipped byte in the floats is refused by the trailer
        byte[] flipped = a.clone();
        flipped[40] ^= 0x10;
        IOException e = assertThrows(IOException.class, () -> TableFormat.read("e", 0, in(flipped), 8));
        assertTrue(e.getMessage().contains("its trailer says"), e.getMessage());
    }

    @Test
    void anEmptyTableWritesAndReads() throws IOException {
        EmbeddingTable empty = EmbeddingTable.zeros("e", 3, 0, 4, false);
        byte[] b = bytes(empty);
        assertEquals(16 + 8, b.length);
        EmbeddingTable back = TableFormat.read("e", 3, in(b));
        assertEquals(0, back.rows());
        assertEquals(4, back.dim());
    }

    private static EmbeddingTable random(boolean elementwise, long seed) {
        return EmbeddingTable.random("e", 0, ROWS, DIM, 0.5, new SplittableRandom(seed), elementwise);
    }

    private static Crc32cInputStream in(byte[] file) throws IOException {
        return new Crc32cInputStream(new ByteArrayInputStream(file), file.length, "t");
    }

    private static byte[] bytes(EmbeddingTable t) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TableFormat.write(t, out);
        return out.toByteArray();
    }
}
