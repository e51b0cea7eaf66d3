package io.embark.partitioning;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes a file under a temporary sibling name and renames it into place, so that a reader sees the previous file, no
 * file, or the complete new one, never a partial file. An existing file is deleted just before the rename (Hadoop's
 * rename does not replace on every file system). The temporary file is named {@code ._tmp-NAME-UUID} and is removed
 * when writing fails.
 *
 * <pre>
 *   ROOT/._tmp-stats.jsonl-3f2a...   while writing
 *   ROOT/stats.jsonl                 after the rename
 * </pre>
 */
public final class AtomicFile {

    /** Writes the content of the file onto the stream it is given (the stream is closed by {@link AtomicFile}). */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFile() {
    }

    public static void write(FileSystem fs, Path target, String text) throws IOException {
        write(fs, target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    public static void write(FileSystem fs, Path target, Content content) throws IOException {
        Path temp = new Path(target.getParent(), "._tmp-" + target.getName() + "-" + UUID.randomUUID());
        try {
            try (OutputStream out = fs.create(temp, false)) {
                content.writeTo(out);
            }
            if (fs.exists(target) && !fs.delete(target, false)) {
                throw new IOException("cannot replace " + target);
            }
            if (!fs.rename(temp, target)) {
                throw new IOException("cannot rename " + temp + " to " + target);
            }
        } finally {
            if (fs.exists(temp)) {
                fs.delete(temp, false);
            }
        }
    }
}
