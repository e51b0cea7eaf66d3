package io.embark.embedding.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embark.embedding.GraphFixture;
import io.embark.embedding.PlantedGraph;
import io.embark.embedding.config.ComparatorType;
import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.NegativesConfig;
import io.embark.embedding.config.OperatorType;
import io.embark.embedding.config.TableResidency;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.model.RelationParameters;
import io.embark.embedding.storage.EmbeddingTable;
import io.embark.partitioning.ImportedGraph;
import io.embark.partitioning.TableKey;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code training.tables} on one machine, a 3 x 3 grid trained on one thread for two epochs through a store that
 * counts its traffic: {@code bucket} saves a table after a bucket and reads it back for a later one, {@code all}
 * reads each table once and saves each once per epoch (into the checkpoint), and both end with the same tables and
 * relations, bit for bit. {@code auto} keeps all when the tables fit its share of the heap.
 */
class TableResidencyTest {

    @TempDir
    java.nio.file.Path tmp;

    private final ModelConfig model = ModelConfig.simple(16, OperatorType.COMPLEX_DIAGONAL, ComparatorType.DOT, true).withInitScale(0.1);
    private final TrainingConfig training = TrainingConfig.defaults(2, NegativesConfig.pbg(50, 20)).withThreads(1);

    @Test
    void keepingEveryTableTrainsTheSameWithoutSavingBetweenBuckets() throws IOException {
        PlantedGraph planted = new PlantedGraph(900, 12, 3, 10, 0.05, 4);
        ImportedGraph graph = GraphFixture.write(GraphFixture.localFs(), new Path(tmp.resolve("data").toString()), planted.entityNames,
                planted.relationNames, 3, planted.splits);
        Run bucket = train(graph, TableResidency.BUCKET);
        Run all = train(graph, TableResidency.ALL);

        assertEquals(3, all.loads.get(), "all: each of the 3 tables read once (and kept for the next epoch): " + all);
        assertEquals(6, all.saves.get(), "all: each table saved once per epoch, at its end: " + all);
        assertTrue(bucket.saves.get() > 6 && bucket.loads.get() > all.loads.get(),
                "bucket: tables saved after buckets and read back: " + bucket);
        for (int p = 0; p < 3; p++) {
            TableKey key = new TableKey("e", p);
            assertArrayEquals(bucket.tables.get(key).segmentData(0), all.tables.get(key).segmentData(0), "partition " + p + " rows");
            assertArrayEquals(bucket.tables.get(key).segmentState(0), all.tables.get(key).segmentState(0), "partition " + p + " Adagrad");
        }
        for (int r = 0; r < bucket.relations.count(); r++) {
            for (int s = 0; s < bucket.relations.slots(); s++) {
                assertArrayEquals(bucket.relations.params(r, s), all.relations.params(r, s), "relation " + r + " slot " + s);
            }
        }
        assertEquals(bucket.loss, all.loss, 0.0, "loss");
    }

    @Test
    void autoKeepsAllWhenTheTablesFitItsShareOfTheHeap() {
        long heap = 1_000_000_000L;
        assertTrue(TableResidency.AUTO.keepsAll(400_000_000L, heap));
        assertFalse(TableResidency.AUTO.keepsAll(400_000_001L, heap));
        assertTrue(TableResidency.ALL.keepsAll(Long.MAX_VALUE, heap));
        assertFalse(TableResidency.BUCKET.keepsAll(1, heap));
    }

    private record Run(Map<TableKey, EmbeddingTable> tables, RelationParameters relations, AtomicInteger loads, AtomicInteger saves,
                       double loss) {
        @Override
        public String toString() {
            return loads.get() + " loads, " + saves.get() + " saves";
        }
    }

    /** Two epochs of the loop over one {@link MemoryStore}. */
    private Run train(ImportedGraph graph, TableResidency residency) throws IOException {
        TrainingConfig t = training.withTables(residency);
        TrainingSchema schema = new TrainingSchema(graph.manifest(), model);
        MemoryStore store = new MemoryStore(schema, model, t);
        RelationParameters relations = RunStart.relations(schema, model, null, Optional.empty());
        double loss = 0;
        try (TrainingLoop loop = new TrainingLoop(graph, model, t, relations, WorkerGroup.alone())) {
            for (int epoch = 0; epoch < 2; epoch++) {
                loss += loop.trainEpoch(epoch, store, Long.MAX_VALUE).loss();
            }
        }
        return new Run(store.stored, relations, store.loads, store.saves, loss);
    }
}
