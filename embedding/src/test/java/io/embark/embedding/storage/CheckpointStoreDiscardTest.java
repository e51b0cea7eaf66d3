package io.embark.embedding.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CheckpointStore#discardAll}: every version and the stats go, and so does what a killed discard left aside. */
class CheckpointStoreDiscardTest {

    @TempDir
    Path dir;

    @Test
    void discardRemovesVersionsStatsAndEarlierLeftovers() throws Exception {
        Path root = dir.resolve("checkpoints");
        Files.createDirectories(root.resolve("v00000001"));
        Files.writeString(root.resolve("v00000001").resolve(CheckpointStore.INFO), "{}");
        Files.createDirectories(root.resolve("v00000002"));
        Files.writeString(root.resolve(CheckpointStore.STATS), "{}\n");
        Path leftover = dir.resolve("checkpoints._discarded-123");
        Files.createDirectories(leftover.resolve("v00000001"));
        FileSystem fs = FileSystem.getLocal(new Configuration());
        CheckpointStore store = new CheckpointStore(fs, new org.apache.hadoop.fs.Path(root.toUri()));

        assertEquals(2, store.discardAll());
        assertFalse(Files.exists(root), "the checkpoint directory is gone");
        assertFalse(Files.exists(leftover), "a killed discard's leftover is deleted");
        try (var s = Files.list(dir)) {
            assertEquals(0, s.count(), "nothing left beside it");
        }
        assertEquals(0, store.discardAll(), "discarding nothing is fine");
        assertFalse(store.latestVersion().isPresent());
    }
}
