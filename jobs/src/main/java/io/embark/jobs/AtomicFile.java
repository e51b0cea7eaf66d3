package io.embark.jobs;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes a small file (metrics, a report) under a temporary sibling name and renames it into place, so that a reader
 * sees the previous file, no file, or the complete new one, never a partial file. An existing file is deleted just
 * before the rename (Hadoop's rename does not replace on every file system).
 */
public final class AtomicFile {

    private AtomicFile() {
    }

    public static void write(FileSystem fs, Path target, String text) throws IOException {
        Path temp = new Path(target.getParent(), "._tmp-" + target.getName() + "-" + UUID.randomUUID());
        try {
            try (OutputStream out = fs.create(temp, false)) {
                out.write(text.getBytes(StandardCharsets.UTF_8));
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
