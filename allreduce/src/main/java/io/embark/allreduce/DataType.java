package io.embark.allreduce;

/** Element types the collectives move. On the wire every type is little-endian. */
public enum DataType {
    FLOAT32(4),
    FLOAT64(8),
    /** Raw bytes: only for broadcast and all-gather; they cannot be reduced. */
    BYTE(1);

    private final int bytes;

    DataType(int bytes) {
        this.bytes = bytes;
    }

    /** Size of one element in bytes. */
    public int bytes() {
        return bytes;
    }
}
