package io.embark.embedding.storage;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The {@link PartitionStore} that distributed workers share during one epoch attempt: a directory on a file system
 * every worker reaches (HDFS, S3, a shared mount; the local disk when all workers run on one machine). A table is
 * read from the attempt directory when some worker saved it this attempt, else from the previous checkpoint, else
 * initialized (deterministically, so every worker would initialize it alike).
 *
 * <p>A save writes a hidden temporary file and renames it over the table's file, so a reader never sees half a table;
 * the round barrier between the saving worker and the next holder makes sure the reader looks after the rename. A
 * retried attempt uses a fresh directory: nothing a failed attempt saved is ever read.
 */
public final class SharedEpochStore implements PartitionStore {

    private final FileSystem fs;
    private final Path attemptDir;
    private final CheckpointStore checkpoints;
    private final Optional<Integer> previous;
    private final BiFunction<String, Integer, EmbeddingTable> initializer;

    public SharedEpochStore(CheckpointStore checkpoints, Path attemptDir, Optional<Integer> previous,
                            BiFunction<String, Integer, EmbeddingTable> initializer) {
        this.fs = checkpoints.fileSystem();
        this.attemptDir = attemptDir;
        this.checkpoints = checkpoints;
        this.previous = previous;
        this.initializer = initializer;
    }

    /** Where this attempt's tables live: {@code ATTEMPT/entities/TYPE/part-NNNNN.emb}. */
    public Path directory() {
        return attemptDir;
    }

    @Override
    public EmbeddingTable load(String type, int partition) throws IOException {
        Path p = CheckpointStore.tableFile(attemptDir, type, partition);
        if (fs.exists(p)) {
            try (InputStream in = new BufferedInputStream(fs.open(p), 1 << 20)) {
                return TableFormat.read(type, partition, in, p.toString());
            }
        }
        if (previous.isPresent()) {
            return checkpoints.table(previous.get(), type, partition);
        }
        return initializer.apply(type, partition);
    }

    @Override
    public void save(EmbeddingTable t) throws IOException {
        Path p = CheckpointStore.tableFile(attemptDir, t.entityType(), t.partition());
        Path tmp = new Path(p.getParent(), "._tmp-" + p.getName() + "-" + UUID.randomUUID());
        try (OutputStream out = new BufferedOutputStream(fs.create(tmp, false), 1 << 20)) {
            TableFormat.write(t, out);
        }
        // HDFS and S3A renames do not replace an existing file: remove the older save first (only this worker holds
        // the table now, and a crash in between loses nothing: the attempt is retried from the last checkpoint)
        if (fs.exists(p) && !fs.delete(p, false)) {
            throw new IOException("cannot replace " + p);
        }
        if (!fs.rename(tmp, p)) {
            throw new IOException("cannot rename " + tmp + " to " + p);
        }
    }
}
