package io.embark.embedding.config;

/**
 * Which embedding tables one machine keeps in memory between buckets ({@code training.tables}). A worker of a
 * distributed run always keeps only its bucket's (another worker may train a table next), whatever this says.
 */
public enum TableResidency {
    /**
     * {@link #ALL} when every table of the graph, with its Adagrad state, takes at most {@link #AUTO_HEAP_SHARE} of
     * the JVM's maximum heap; {@link #BUCKET} otherwise.
     */
    AUTO,
    /**
     * Every table stays in memory once loaded and is saved once per epoch, into the checkpoint: no table is saved and
     * read back between buckets.
     */
    ALL,
    /**
     * Only the current bucket's tables and the next bucket's (loading in the background); the others are saved and
     * dropped after each bucket. The out-of-core mode: memory holds at most four partitions per entity type.
     */
    BUCKET;

    /** The share of the maximum heap that every table together may take for {@link #AUTO} to keep them all. */
    public static final double AUTO_HEAP_SHARE = 0.4;

    /** Whether a machine with {@code maxHeap} bytes of heap keeps tables of {@code tableBytes} bytes in all. */
    public boolean keepsAll(long tableBytes, long maxHeap) {
        return switch (this) {
            case ALL -> true;
            case BUCKET -> false;
            case AUTO -> tableBytes <= AUTO_HEAP_SHARE * maxHeap;
        };
    }
}
