package io.embark.embedding.storage;

import java.io.IOException;
import java.util.OptionalInt;
import org.apache.hadoop.fs.Path;

/**
 * A checkpoint file that does not verify: missing, of another length or CRC32C than its version's manifest records,
 * with a trailer that does not match its content, or refused by Hadoop's own {@code .crc} check. The message names
 * the file, what was expected and what was found; {@link CheckpointStore#explain} adds the newest older version that
 * verifies and what to set to use it.
 */
public final class DamagedCheckpointException extends IOException {

    private static final long serialVersionUID = 1L;

    private final OptionalInt version;
    private final String file;
    private final boolean unverifiable;
    private final boolean advised;

    /**
     * {@code version}: the committed version the file belongs to (empty for a file of an epoch in progress);
     * {@code unverifiable}: the version was written before checkpoints carried checksums (not damaged, but never read).
     */
    DamagedCheckpointException(OptionalInt version, Path file, String problem, boolean unverifiable, Throwable cause) {
        super(file + ": " + problem + version.stream().mapToObj(v -> " (checkpoint version " + CheckpointStore.versionName(v)
                + (unverifiable ? " cannot be verified)" : " is damaged or incomplete)")).findFirst().orElse(""), cause);
        this.version = version;
        this.file = file.toString();
        this.unverifiable = unverifiable;
        this.advised = false;
    }

    private DamagedCheckpointException(DamagedCheckpointException e, String advice) {
        super(e.getMessage() + "; " + advice, e);
        this.version = e.version;
        this.file = e.file;
        this.unverifiable = e.unverifiable;
        this.advised = true;
    }

    /** The committed version the file belongs to; empty for a file of an epoch in progress. */
    public OptionalInt version() {
        return version;
    }

    /** The file refused. */
    public String file() {
        return file;
    }

    /** Whether the version predates checksums (it has {@code checkpoint.json} but no manifest) rather than being damaged. */
    public boolean unverifiable() {
        return unverifiable;
    }

    /** Whether advice was appended already ({@link #withAdvice}). */
    public boolean advised() {
        return advised;
    }

    /** This refusal with {@code advice} (what the reader can do instead) appended. */
    public DamagedCheckpointException withAdvice(String advice) {
        return new DamagedCheckpointException(this, advice);
    }
}
