package io.embark.allreduce.topology;

/**
 * How a range of {@code length} elements starting at {@code offset} is cut into {@code parts}
 * contiguous blocks, one per member of a group: the first {@code length % parts} blocks get one
 * element more than the rest. Reduce-scatter leaves member {@code i} owning block {@code i};
 * all-gather starts from that.
 *
 * <p>Worked example, 8 elements over 3 members ({@code new BlockLayout(0, 8, 3)}): 8 = 3*2 + 2, so
 * blocks 0 and 1 get 3 elements and block 2 gets 2:
 * <pre>
 *   element:  0 1 2 | 3 4 5 | 6 7
 *   block:    0     | 1     | 2
 * </pre>
 * A ring reduce-scatter over these blocks (member {@code i} sends to {@code i+1}) runs 2 steps; in
 * step {@code s} member {@code i} sends block {@code (i-s-1) mod 3} and adds the block
 * {@code (i-s-2) mod 3} it receives:
 * <pre>
 *   step 0: m0 sends b2, m1 sends b0, m2 sends b1   (m0 adds b1 from m2, m1 adds b2 from m0, m2 adds b0 from m1)
 *   step 1: m0 sends b1, m1 sends b2, m2 sends b0   (m0 adds b0, m1 adds b1, m2 adds b2: each block now sums all 3)
 * </pre>
 * Each member sent 2 blocks of about 8/3 elements: (p-1)/p of the data.
 */
public final class BlockLayout {
    private final int offset;
    private final int length;
    private final int parts;
    private final int base;
    private final int extra;

    public BlockLayout(int offset, int length, int parts) {
        if (parts < 1 || length < 0 || offset < 0) {
            throw new IllegalArgumentException("layout: offset " + offset + ", length " + length + ", parts " + parts
                    + " (expected offset >= 0, length >= 0, parts >= 1)");
        }
        this.offset = offset;
        this.length = length;
        this.parts = parts;
        this.base = length / parts;
        this.extra = length % parts;
    }

    public int offset() {
        return offset;
    }

    public int length() {
        return length;
    }

    public int parts() {
        return parts;
    }

    /** First element of block {@code i}. */
    public int blockOffset(int i) {
        return offset + i * base + Math.min(i, extra);
    }

    /** Number of elements of block {@code i}. */
    public int blockLength(int i) {
        return base + (i < extra ? 1 : 0);
    }

    /** Number of elements in blocks {@code [from, to)}, which are contiguous. */
    public int rangeLength(int from, int to) {
        return blockOffset(to) - blockOffset(from);
    }

    /** Block {@code i} seen as a range of its own, cut again into {@code subParts} blocks. */
    public BlockLayout block(int i, int subParts) {
        return new BlockLayout(blockOffset(i), blockLength(i), subParts);
    }

    @Override
    public String toString() {
        return "BlockLayout[" + offset + "+" + length + " in " + parts + "]";
    }
}
