package io.embark.partitioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link AtomicFile}: the target holds the old content or the new, never a part of it, and no temporary file stays. */
class AtomicFileTest {

    @TempDir
    Path dir;

    @Test
    void aWriteThatFailsHalfwayLeavesTheOldFileWholeAndNoTemporaryFile() throws Exception {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        Path target = dir.resolve("stats.jsonl");
        org.apache.hadoop.fs.Path t = new org.apache.hadoop.fs.Path(target.toString());
        AtomicFile.write(fs, t, "old line 1\nold line 2\n");
        assertEquals("old line 1\nold line 2\n", Files.readString(target));

        IOException e = assertThrows(IOException.class, () -> AtomicFile.write(fs, t, out -> {
            out.write("new".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals("old line 1\nold line 2\n", Files.readString(target), "the old file, whole");

        AtomicFile.write(fs, t, "new\n");
        assertEquals("new\n", Files.readString(target));
        try (var s = Files.list(dir)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().contains("_tmp")), "no temporary file left");
        }
    }
}
