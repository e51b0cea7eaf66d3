package io.embark.embedding.storage;

/**
 * Tables cut into many small segments, for tests of every package: production tables are segmented only above
 * {@link EmbeddingTable#MAX_SEGMENT_FLOATS} floats (4 GiB), which no unit test allocates.
 */
public final class SegmentedTables {

    private SegmentedTables() {
    }

    /** A copy of {@code t} (values and accumulators) laid out in segments of {@code rowsPerSegment} rows. */
    public static EmbeddingTable resegmented(EmbeddingTable t, int rowsPerSegment) {
        EmbeddingTable out = EmbeddingTable.zeros(t.entityType(), t.partition(), t.rows(), t.dim(), t.elementwise(), rowsPerSegment);
        int width = t.elementwise() ? t.dim() : 1;
        for (int i = 0; i < t.rows(); i++) {
            System.arraycopy(t.data(i), t.dataOffset(i), out.data(i), out.dataOffset(i), t.dim());
            System.arraycopy(t.state(i), t.stateOffset(i), out.state(i), out.stateOffset(i), width);
        }
        return out;
    }

    /** Every row's embedding and accumulators, row after row, whatever the segmentation (for bitwise comparisons). */
    public static float[] flatten(EmbeddingTable t) {
        int width = t.elementwise() ? t.dim() : 1;
        float[] out = new float[t.rows() * (t.dim() + width)];
        for (int i = 0; i < t.rows(); i++) {
            int base = i * (t.dim() + width);
            System.arraycopy(t.data(i), t.dataOffset(i), out, base, t.dim());
            System.arraycopy(t.state(i), t.stateOffset(i), out, base + t.dim(), width);
        }
        return out;
    }
}
