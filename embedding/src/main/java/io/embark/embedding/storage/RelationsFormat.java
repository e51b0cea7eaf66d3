package io.embark.embedding.storage;

import io.embark.embedding.model.RelationParameters;
import io.embark.partitioning.AtomicFile;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.OptionalInt;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The file of the relation parameters ({@code relations.bin}): what {@link RelationParameters#write} writes
 * (big-endian), then the 8-byte CRC32C trailer of every byte before it ({@link Crc32cOutputStream}), checked on every
 * read.
 */
public final class RelationsFormat {

    private RelationsFormat() {
    }

    /** Writes the parameters and the trailer; returns the file's length and CRC32C. */
    public static FileCrc write(RelationParameters relations, OutputStream out) throws IOException {
        Crc32cOutputStream checked = new Crc32cOutputStream(out);
        DataOutputStream data = new DataOutputStream(new BufferedOutputStream(checked, 1 << 16));
        relations.write(data);
        data.flush();
        return checked.writeTrailer();
    }

    /**
     * Writes {@code p} outside a checkpoint version (rank 0's parameters at the end of an epoch attempt) under a
     * temporary name renamed into place ({@link AtomicFile}).
     */
    public static void write(FileSystem fs, Path p, RelationParameters relations) throws IOException {
        AtomicFile.write(fs, p, out -> write(relations, out));
    }

    /** Reads {@code p} outside a checkpoint version (no manifest): the trailer is checked. */
    public static RelationParameters read(FileSystem fs, Path p) throws IOException {
        return CheckedFiles.read(fs, p, null, RelationsFormat::read,
                (file, problem, cause) -> new DamagedCheckpointException(OptionalInt.empty(), file, problem, false, cause));
    }

    /** Reads the parameters and checks the trailer. */
    public static RelationParameters read(Crc32cInputStream in) throws IOException {
        RelationParameters relations = RelationParameters.read(new DataInputStream(in), in.source(), in.contentBytes());
        in.checkTrailer();
        return relations;
    }
}
