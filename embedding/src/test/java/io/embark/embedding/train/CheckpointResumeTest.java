package io.embark.embedding.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embark.embedding.GraphFixture;
import io.embark.embedding.PlantedGraph;
import io.embark.embedding.config.AdagradMode;
import io.embark.embedding.config.ComparatorType;
import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.NegativesConfig;
import io.embark.embedding.config.OperatorType;
import io.embark.embedding.config.ResumeFrom;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.eval.TrainedModel;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.embedding.storage.DamagedCheckpointException;
import io.embark.embedding.storage.EmbeddingTable;
import io.embark.embedding.storage.EpochStats;
import io.embark.partitioning.ImportedGraph;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checkpoints: resume after a crash equals an uninterrupted run, a damaged newest version is refused by name (or, with
 * training.resume = latest_valid, passed over for the version before), and an incompatible config is refused by key.
 */
class CheckpointResumeTest {

    @TempDir
    Path tmp;
    FileSystem fs;
    ImportedGraph graph;
    ModelConfig model = ModelConfig.simple(8, OperatorType.COMPLEX_DIAGONAL, ComparatorType.DOT, true).withInitScale(0.1);
    TrainingConfig training = TrainingConfig.defaults(4, NegativesConfig.pbg(20, 10));

    @BeforeEach
    void graph() throws Exception {
        fs = GraphFixture.localFs();
        PlantedGraph planted = new PlantedGraph(60, 6, 2, 2, 0.1, 3);
        graph = GraphFixture.write(fs, hpath("data"), planted.entityNames, planted.relationNames, 2, planted.splits);
    }

    private org.apache.hadoop.fs.Path hpath(String name) {
        return new org.apache.hadoop.fs.Path(tmp.resolve(name).toString());
    }

    /** With one draw of negatives per side, and with one shared draw (its own sampling and update path). */
    @ParameterizedTest(name = "sharedNegatives={0}")
    @ValueSource(booleans = {false, true})
    void resumedRunEqualsUninterruptedRun(boolean shared) throws Exception {
        TrainingConfig training = this.training.withNegatives(this.training.negatives().withShared(shared));
        CheckpointStore straight = new CheckpointStore(fs, hpath("straight"));
        List<EpochStats> all = Trainer.train(graph, model, training, straight);
        assertEquals(4, all.size());

        CheckpointStore resumed = new CheckpointStore(fs, hpath("resumed"));
        Trainer.train(graph, model, training.withEpochs(2), resumed);
        // a crash during epoch 3 leaves a half-written version behind
        Path junk = tmp.resolve("resumed").resolve("v00000003._tmp-crashed");
        Files.createDirectories(junk.resolve("entities"));
        Files.writeString(junk.resolve("entities").resolve("half.emb"), "partial", StandardCharsets.UTF_8);
        List<EpochStats> after = Trainer.train(graph, model, training, resumed);

        assertEquals(4, after.size());
        assertFalse(Files.exists(junk), "the uncommitted version is removed");
        assertEquals(List.of(3, 4), resumed.latestVersion().map(v -> List.of(v - 1, v)).orElseThrow(), "keeps the newest 2 versions");
        assertFalse(fs.exists(resumed.versionDir(2)));
        for (int e = 0; e < 4; e++) {
            assertEquals(all.get(e).loss(), after.get(e).loss(), 1e-9, "epoch " + (e + 1) + " loss");
        }
        TrainedModel a = TrainedModel.latest(straight);
        TrainedModel b = TrainedModel.latest(resumed);
        for (int p = 0; p < 2; p++) {
            assertArrayEquals(a.table("e", p).segmentData(0), b.table("e", p).segmentData(0), "partition " + p);
        }
        assertArrayEquals(a.relations().params(1, 1), b.relations().params(1, 1));
        assertEquals(4, Files.readAllLines(tmp.resolve("resumed").resolve("stats.jsonl")).size());

        // asking for no more epochs than the checkpoint holds trains nothing
        assertEquals(4, Trainer.train(graph, model, training, resumed).size());
        assertEquals(4, resumed.latestVersion().orElseThrow());
    }

    /**
     * A flipped byte in a table of the newest version, with no {@code .crc} sidecar to catch it (S3A, a copied
     * checkpoint): the run stops when it loads that table, naming the file and the version to fall back to; with
     * {@code training.resume = latest_valid} it resumes from that version, and ends bit-identical to an uninterrupted run.
     */
    @Test
    void aDamagedTableStopsTrainingByNameAndLatestValidResumesTheVersionBefore() throws Exception {
        List<EpochStats> all = Trainer.train(graph, model, training, new CheckpointStore(fs, hpath("straight")));
        CheckpointStore store = new CheckpointStore(fs, hpath("damaged"));
        Trainer.train(graph, model, training.withEpochs(2), store);
        Path table = tmp.resolve("damaged/v00000002/entities/e/part-00001.emb");
        byte[] b = Files.readAllBytes(table);
        b[40] ^= 0x01;
        Files.write(table, b);
        assertFalse(Files.exists(table.resolveSibling(".part-00001.emb.crc")), "tables are written without Hadoop's .crc sidecar");

        DamagedCheckpointException e = assertThrows(DamagedCheckpointException.class, () -> Trainer.train(graph, model, training, store));
        assertTrue(e.getMessage().startsWith(table + ": CRC32C "), "names the file: " + e.getMessage());
        assertTrue(e.getMessage().endsWith("the newest older version that verifies is v00000001: set training.resume = latest_valid "
                + "to resume from it (the newer versions are then set aside)"), e.getMessage());
        assertEquals(2, store.latestVersion().orElseThrow(), "nothing committed from the damaged version");

        List<EpochStats> after = Trainer.train(graph, model, training.withResume(ResumeFrom.LATEST_VALID), new CheckpointStore(fs, hpath("damaged")));
        assertEquals(4, after.size());
        for (int ep = 0; ep < 4; ep++) {
            assertEquals(all.get(ep).loss(), after.get(ep).loss(), 1e-9, "epoch " + (ep + 1) + " loss: resumed after epoch 1");
        }
        assertEquals(List.of(3, 4), store.versions());
        try (var s = Files.list(tmp.resolve("damaged"))) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().startsWith("v00000002._damaged-")), "the damaged version is set aside");
        }
        TrainedModel a = TrainedModel.latest(new CheckpointStore(fs, hpath("straight")));
        TrainedModel c = TrainedModel.latest(store);
        for (int p = 0; p < 2; p++) {
            assertArrayEquals(a.table("e", p).segmentData(0), c.table("e", p).segmentData(0), "partition " + p);
        }
    }

    /** A version without a manifest (written before checksums) is refused, and reported as a reason to discard it. */
    @Test
    void aCheckpointWrittenBeforeChecksumsIsRefusedAndOverwriteMayDiscardIt() throws Exception {
        CheckpointStore store = new CheckpointStore(fs, hpath("old"));
        Trainer.train(graph, model, training.withEpochs(1), store);
        Path manifest = tmp.resolve("old/v00000001/manifest.crc32c");
        Files.delete(manifest);
        Files.deleteIfExists(manifest.resolveSibling(".manifest.crc32c.crc"));

        DamagedCheckpointException e = assertThrows(DamagedCheckpointException.class,
                () -> Trainer.train(graph, model, training, new CheckpointStore(fs, hpath("old"))));
        assertTrue(e.unverifiable());
        assertTrue(e.getMessage().startsWith(manifest + ": missing: the version was written before checkpoints carried checksums"),
                e.getMessage());
        List<String> reasons = Trainer.incompatibilities(graph, model, training, new CheckpointStore(fs, hpath("old")));
        assertEquals(1, reasons.size());
        assertTrue(reasons.get(0).startsWith("checkpoint format: "), reasons.get(0));
    }

    @Test
    void incompatibleConfigIsRefusedNamingTheKeys() throws Exception {
        CheckpointStore store = new CheckpointStore(fs, hpath("ckpt"));
        Trainer.train(graph, model, training.withEpochs(1), store);
        ModelConfig other = ModelConfig.simple(6, OperatorType.DIAGONAL, ComparatorType.DOT, true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trainer.train(graph, other, training, store));
        assertTrue(e.getMessage().contains("model.dimension: checkpoint 8, now 6"), e.getMessage());
        assertTrue(e.getMessage().contains("model.relation.operator: checkpoint complex_diagonal, now diagonal"), e.getMessage());
        // the training section may change between runs (here: the learning rate)
        assertEquals(2, Trainer.train(graph, model, training.withEpochs(2).withLearningRates(0.05, 0.05), store).size());
    }

    @Test
    void elementwiseAccumulatorsAreCheckpointedResumedAndNotMixedWithRowwise() throws Exception {
        TrainingConfig elementwise = training.withAdagrad(AdagradMode.ELEMENTWISE);
        CheckpointStore straight = new CheckpointStore(fs, hpath("e-straight"));
        Trainer.train(graph, model, elementwise, straight);
        CheckpointStore resumed = new CheckpointStore(fs, hpath("e-resumed"));
        Trainer.train(graph, model, elementwise.withEpochs(2), resumed);
        Trainer.train(graph, model, elementwise, resumed);
        TrainedModel a = TrainedModel.latest(straight);
        TrainedModel b = TrainedModel.latest(resumed);
        for (int p = 0; p < 2; p++) {
            EmbeddingTable t = b.table("e", p);
            assertTrue(t.elementwise(), "one accumulator per entry");
            assertEquals(t.segmentData(0).length, t.segmentState(0).length);
            assertArrayEquals(a.table("e", p).segmentData(0), t.segmentData(0), "partition " + p);
            assertArrayEquals(a.table("e", p).segmentState(0), t.segmentState(0), "accumulators of partition " + p);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Trainer.train(graph, model, training.withEpochs(5), resumed));
        assertTrue(e.getMessage().contains("training.adagrad: checkpoint elementwise, now (absent)"), e.getMessage());
    }
}
