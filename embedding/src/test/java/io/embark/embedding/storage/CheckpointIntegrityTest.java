package io.embark.embedding.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embark.embedding.CheckpointFixture;
import io.embark.embedding.config.ComparatorType;
import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.OperatorType;
import io.embark.embedding.eval.TrainedModel;
import io.embark.embedding.model.RelationParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every file of a checkpoint version is checked on every read by its own CRC32C, with no help from Hadoop's
 * {@code .crc} sidecars (a version has none: its files are written past the checksum layer, {@code OwnChecksums}; the
 * sidecars of a version an older Embark wrote are ignored): a flipped byte, a cut or missing file and a version
 * without a manifest are refused naming the file; rotation keeps the last version that verifies; stats.jsonl is
 * replaced atomically.
 */
class CheckpointIntegrityTest {

    private static final String TABLE = "entities/e/part-00001.emb";
    /** The first float of row 1 of a table of dimension 4: 16 header bytes, then row 0's 4 floats. */
    private static final int A_FLOAT = 16 + 4 * 4;

    @TempDir
    Path tmp;
    FileSystem fs;
    Path root;
    ModelConfig model = ModelConfig.simple(4, OperatorType.DIAGONAL, ComparatorType.DOT, false);

    @BeforeEach
    void localFs() throws IOException {
        fs = FileSystem.getLocal(new org.apache.hadoop.conf.Configuration());
        root = tmp.resolve("ckpt");
    }

    private org.apache.hadoop.fs.Path hroot() {
        return new org.apache.hadoop.fs.Path(root.toString());
    }

    private static List<EmbeddingTable> tables(int version) {
        SplittableRandom random = new SplittableRandom(version);
        return List.of(EmbeddingTable.random("e", 0, 5, 4, 1.0, random), EmbeddingTable.random("e", 1, 5, 4, 1.0, random));
    }

    /** Commits versions {@code 1..n}, each with its own tables; returns a fresh store over them. */
    private CheckpointStore write(int n) throws IOException {
        RelationParameters relations = RelationParameters.create(model, List.of("r0"), new int[] {4});
        List<EpochStats> stats = new ArrayList<>();
        for (int v = 1; v <= n; v++) {
            stats.add(new EpochStats(v, 10, 1.0 / v, 1, 10, 1));
            CheckpointFixture.write(fs, hroot(), v, model, relations, tables(v), stats);
        }
        return new CheckpointStore(fs, hroot());
    }

    private Path file(int version, String name) {
        return root.resolve(CheckpointStore.versionName(version)).resolve(name);
    }

    /** Flips one bit of byte {@code offset} (negative: from the end). */
    private Path flip(int version, String name, int offset) throws IOException {
        Path f = file(version, name);
        byte[] b = Files.readAllBytes(f);
        b[offset >= 0 ? offset : b.length + offset] ^= 0x04;
        Files.write(f, b);
        return f;
    }

    @Test
    void aVersionIsWrittenWithoutHadoopsSidecars() throws Exception {
        write(2);
        try (var files = Files.walk(root)) {
            List<String> sidecars = files.map(p -> root.relativize(p).toString())
                    .filter(n -> n.startsWith(CheckpointStore.versionName(1)) || n.startsWith(CheckpointStore.versionName(2)))
                    .filter(n -> n.endsWith(".crc")).toList();
            assertEquals(List.of(), sidecars, "every file carries its own CRC32C: Hadoop's checksum layer would check it twice");
        }
    }

    @Test
    void aFlippedByteInATableWithoutItsCrcSidecarIsRefusedNamingTheFile() throws Exception {
        CheckpointStore store = write(2);
        assertArrayEquals(tables(2).get(1).segmentData(0), store.table(2, "e", 1).segmentData(0), "a whole table reads back");

        Path damaged = flip(2, TABLE, A_FLOAT);
        CheckpointStore fresh = new CheckpointStore(fs, hroot());
        DamagedCheckpointException e = assertThrows(DamagedCheckpointException.class, () -> fresh.table(2, "e", 1));
        assertTrue(e.getMessage().startsWith(damaged + ": "), "names the file: " + e.getMessage());
        assertTrue(e.getMessage().matches(".*CRC32C [0-9a-f]{8}, expected [0-9a-f]{8} \\(manifest\\.crc32c\\).*"), e.getMessage());
        assertTrue(e.getMessage().contains("checkpoint version v00000002 is damaged"), e.getMessage());
        assertTrue(e.file().endsWith(TABLE), e.file());
        assertEquals(2, e.version().getAsInt());
        String explained = fresh.explain(e, v -> "use " + v).getMessage();
        assertTrue(explained.endsWith("; the newest older version that verifies is v00000001: use 1"), explained);

        // eval's load path: the model opens (info and relations verify), the damaged table is refused, the other reads
        TrainedModel m = TrainedModel.latest(fresh);
        assertArrayEquals(tables(2).get(0).segmentData(0), m.table("e", 0).segmentData(0));
        DamagedCheckpointException evalSide = assertThrows(DamagedCheckpointException.class, () -> m.table("e", 1));
        assertTrue(evalSide.getMessage().contains(damaged.toString()), evalSide.getMessage());
        assertThrows(DamagedCheckpointException.class, () -> fresh.verify(2));
        assertEquals(1, fresh.newestVerified(Integer.MAX_VALUE).orElseThrow());
    }

    /**
     * A version with Hadoop's sidecars (as an older Embark wrote them, here a copy through the checksummed file system)
     * reads and verifies; damaged, it is refused by its own CRC32C, the stale sidecar ignored.
     */
    @Test
    void aVersionWithSidecarsFromAnOlderWriterIsCheckedByItsOwnCrc32c() throws Exception {
        write(1);
        org.apache.hadoop.fs.Path old = new org.apache.hadoop.fs.Path(tmp.resolve("old").toString());
        assertTrue(org.apache.hadoop.fs.FileUtil.copy(fs, hroot(), fs, old, false, fs.getConf()));
        Path f = tmp.resolve("old").resolve(CheckpointStore.versionName(1)).resolve(TABLE);
        assertTrue(Files.exists(f.resolveSibling("." + f.getFileName() + ".crc")), "the copy has Hadoop's sidecars");
        new CheckpointStore(fs, old).verify(1);

        byte[] b = Files.readAllBytes(f);
        b[A_FLOAT] ^= 0x04;
        Files.write(f, b); // the .crc sidecar stays, and now disagrees
        DamagedCheckpointException e = assertThrows(DamagedCheckpointException.class,
                () -> new CheckpointStore(fs, old).table(1, "e", 1));
        assertTrue(e.getMessage().startsWith(f + ": "), "names the file: " + e.getMessage());
        assertTrue(e.getMessage().matches(".*CRC32C [0-9a-f]{8}, expected [0-9a-f]{8} \\(manifest\\.crc32c\\).*"), e.getMessage());
        assertTrue(e.getMessage().endsWith("is damaged or incomplete)"), e.getMessage());
    }

    /** Each file of a version, damaged in its content or its checksum, is refused by name on the read that uses it. */
    @ParameterizedTest(name = "{0} byte {1}")
    @CsvSource({"checkpoint.json, 40", "relations.bin, 20", "relations.bin, -1", "manifest.crc32c, 40",
            "entities/e/part-00000.emb, 9", "entities/e/part-00000.emb, -3"})
    void everyFileOfAVersionIsChecked(String name, int offset) throws Exception {
        write(2);
        Path damaged = flip(2, name, offset);
        CheckpointStore store = new CheckpointStore(fs, hroot());
        DamagedCheckpointException e = assertThrows(DamagedCheckpointException.class, () -> {
            switch (name) {
                case CheckpointStore.INFO -> store.info(2);
                case CheckpointStore.RELATIONS -> store.relations(2);
                case VersionManifest.FILE -> store.manifest(2);
                default -> store.table(2, "e", 0);
            }
        });
        assertTrue(e.getMessage().startsWith(damaged + ": "), "names the file: " + e.getMessage());
        assertTrue(e.getMessage().contains("v00000002"), e.getMessage());
        assertThrows(DamagedCheckpointException.class, () -> new CheckpointStore(fs, hroot()).verify(2));
        new CheckpointStore(fs, hroot()).verify(1);
    }

    @Test
    void aCutOrMissingFileIsRefusedAsIncompleteBeforeAnythingIsRead() throws Exception {
        write(1);
        Path table = file(1, TABLE);
        byte[] b = Files.readAllBytes(table);
        Files.write(table, java.util.Arrays.copyOf(b, b.length - 5));
        DamagedCheckpointException cut = assertThrows(DamagedCheckpointException.class, () -> new CheckpointStore(fs, hroot()).checkComplete(1));
        assertTrue(cut.getMessage().contains(table + ": " + (b.length - 5) + " bytes, expected " + b.length + " (manifest.crc32c)"),
                cut.getMessage());

        Files.delete(table);
        DamagedCheckpointException missing = assertThrows(DamagedCheckpointException.class,
                () -> new CheckpointStore(fs, hroot()).table(1, "e", 1));
        assertTrue(missing.getMessage().contains(table + ": missing (the manifest lists " + b.length + " bytes"), missing.getMessage());
    }

    @Test
    void aVersionWrittenBeforeChecksumsIsRefusedSayingWhatToDo() throws Exception {
        write(1);
        Path manifest = file(1, VersionManifest.FILE);
        Files.delete(manifest);
        Files.deleteIfExists(manifest.resolveSibling("." + VersionManifest.FILE + ".crc"));
        DamagedCheckpointException e = assertThrows(DamagedCheckpointException.class, () -> new CheckpointStore(fs, hroot()).info(1));
        assertTrue(e.unverifiable());
        assertTrue(e.getMessage().contains("written before checkpoints carried checksums"), e.getMessage());
        assertTrue(e.getMessage().contains("training.overwrite = true discards it"), e.getMessage());
        assertTrue(e.getMessage().endsWith("(checkpoint version v00000001 cannot be verified)"), e.getMessage());
    }

    @Test
    void rotationKeepsTheLastGoodVersionWhenTheNewestAreDamaged() throws Exception {
        write(4);
        flip(4, TABLE, A_FLOAT);
        flip(3, CheckpointStore.RELATIONS, 20);
        CheckpointStore store = new CheckpointStore(fs, hroot());
        store.prune(1);
        assertEquals(List.of(2, 4), store.versions(), "the newest, and the newest that verifies however old");
        store.prune(1);
        assertEquals(List.of(2, 4), store.versions(), "a second rotation keeps it too");

        // without damage, rotation keeps exactly keepCheckpoints versions
        root = tmp.resolve("healthy");
        CheckpointStore healthy = write(4);
        healthy.prune(1);
        assertEquals(List.of(4), healthy.versions());
    }

    @Test
    void statsJsonlIsReplacedWholeAndLeavesNoTemporaryFile() throws Exception {
        CheckpointStore store = write(1);
        List<EpochStats> two = List.of(new EpochStats(1, 10, 0.5, 1, 10, 1), new EpochStats(2, 10, 0.25, 1, 10, 1));
        store.writeStats(two);
        assertEquals(two, store.readStats());
        store.writeStats(two.subList(0, 1));
        assertEquals(two.subList(0, 1), store.readStats(), "replaced, not appended to or overwritten in place");
        try (var s = Files.list(root)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().contains("_tmp")), "no temporary file left");
        }
    }
}
