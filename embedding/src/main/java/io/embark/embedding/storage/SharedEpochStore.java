package io.embark.embedding.storage;

import io.embark.partitioning.AtomicFile;
import io.embark.partitioning.OwnChecksums;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.BiFunction;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The {@link PartitionStore} that distributed workers share during one epoch attempt: a directory on a file system
 * every worker reaches (HDFS, S3, a shared mount; the local disk when all workers run on one machine). A table is
 * read from the attempt directory when some worker saved it this attempt, else from the previous checkpoint, else
 * initialized (deterministically, so every worker would initialize it alike).
 *
 * <p>A save writes a hidden temporary file and renames it over the table's file ({@link AtomicFile}), so a reader never
 * sees half a table, and a load checks the table's CRC32C trailer ({@link TableFormat}) as it reads;
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
            return CheckedFiles.read(fs, p, null, in -> TableFormat.read(type, partition, in),
                    (file, problem, cause) -> new DamagedCheckpointException(OptionalInt.empty(), file, problem
                            + " (saved by a worker this epoch attempt)", false, cause));
        }
        if (previous.isPresent()) {
            return checkpoints.table(previous.get(), type, partition);
        }
        return initializer.apply(type, partition);
    }

    @Override
    public void save(EmbeddingTable t) throws IOException {
        // AtomicFile removes the older save just before its rename (HDFS and S3A renames do not replace): only this
        // worker holds the table now, and a crash in between loses nothing, as the attempt is retried from the last checkpoint
        // (past Hadoop's .crc layer, as a checkpoint's tables: the trailer is the table's checksum)
        AtomicFile.write(OwnChecksums.fileSystem(fs), CheckpointStore.tableFile(attemptDir, t.entityType(), t.partition()), out -> {
            BufferedOutputStream buffered = new BufferedOutputStream(out, 1 << 20);
            TableFormat.write(t, buffered);
            buffered.flush();
        });
    }
}
