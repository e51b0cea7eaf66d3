package io.embark.embedding;

import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.model.RelationParameters;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.embedding.storage.EmbeddingTable;
import io.embark.embedding.storage.EpochStats;
import io.embark.partitioning.TableKey;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Commits a checkpoint holding given tables and relation parameters, without training: for tests of its readers. */
public final class CheckpointFixture {

    private CheckpointFixture() {
    }

    /** Writes version {@code version} under {@code root} with the given per-epoch losses as its stats. */
    public static CheckpointStore write(FileSystem fs, Path root, int version, ModelConfig model, RelationParameters relations,
                                        List<EmbeddingTable> tables, List<EpochStats> stats) throws IOException {
        CheckpointStore store = new CheckpointStore(fs, root);
        try (CheckpointStore.EpochWriter w = store.begin(version, Optional.empty(), (type, p) -> {
            throw new IllegalStateException("table " + type + "/" + p + " not given");
        })) {
            Set<TableKey> keys = new TreeSet<>();
            for (EmbeddingTable t : tables) {
                w.save(t);
                keys.add(new TableKey(t.entityType(), t.partition()));
            }
            w.commit(keys, relations, stats.size(), model.toMap(), model.compatibilityKeys(), stats);
        }
        store.writeStats(stats);
        return store;
    }
}
