package io.embark.partitioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link AtomicDirectory} on the local file system, where (as on HDFS: {@code HdfsSemanticsTest} in jobs) a directory
 * renamed onto an existing one would land inside it.
 */
class AtomicDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void aTargetThatAppearedWhileWritingIsNeitherReplacedNorNestedInto() throws Exception {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(dir.resolve("graph").toString());
        AtomicDirectory out = AtomicDirectory.begin(fs, target, false, "import.overwrite");
        Files.writeString(Path.of(out.path().toUri().getPath(), "manifest.json"), "mine");
        Files.createDirectories(dir.resolve("graph"));
        Files.writeString(dir.resolve("graph/manifest.json"), "theirs");
        IOException e = assertThrows(IOException.class, out::commit);
        assertTrue(e.getMessage().contains("appeared while this run was writing"), e.getMessage());
        assertEquals("theirs", Files.readString(dir.resolve("graph/manifest.json")));
        try (var s = Files.list(dir.resolve("graph"))) {
            assertEquals(1, s.count(), "nothing moved into the other run's output");
        }
        out.abort();
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "the temporary directory removed");
        }
    }

    @Test
    void replacingSwapsTheWholeDirectory() throws Exception {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        Files.createDirectories(dir.resolve("export"));
        Files.writeString(dir.resolve("export/old.tsv"), "old");
        AtomicDirectory out = AtomicDirectory.begin(fs, new org.apache.hadoop.fs.Path(dir.resolve("export").toString()), true, "export.overwrite");
        Files.writeString(Path.of(out.path().toUri().getPath(), "new.tsv"), "new");
        out.commit();
        assertEquals("new", Files.readString(dir.resolve("export/new.tsv")));
        assertFalse(Files.exists(dir.resolve("export/old.tsv")));
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no ._tmp or ._old sibling left");
        }
    }
}
