package io.embark.embedding.train;

import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.storage.EmbeddingTable;
import io.embark.embedding.storage.PartitionStore;
import io.embark.partitioning.TableKey;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A partition store in memory for tests of the training loop, as checkpoint versions would hold the tables: a table
 * saved is stored as a copy, a load returns a copy, a table never saved starts as the trainer's initial table. It
 * counts its loads and saves.
 */
final class MemoryStore implements PartitionStore {

    final Map<TableKey, EmbeddingTable> stored = new HashMap<>();
    final AtomicInteger loads = new AtomicInteger();
    final AtomicInteger saves = new AtomicInteger();
    private final TrainingSchema schema;
    private final ModelConfig model;
    private final TrainingConfig training;

    MemoryStore(TrainingSchema schema, ModelConfig model, TrainingConfig training) {
        this.schema = schema;
        this.model = model;
        this.training = training;
    }

    @Override
    public synchronized EmbeddingTable load(String entityType, int partition) {
        loads.incrementAndGet();
        EmbeddingTable s = stored.get(new TableKey(entityType, partition));
        return s != null ? s.copy() : Trainer.initialTable(schema, model, training, entityType, partition);
    }

    @Override
    public synchronized void save(EmbeddingTable table) {
        saves.incrementAndGet();
        stored.put(new TableKey(table.entityType(), table.partition()), table.copy());
    }
}
