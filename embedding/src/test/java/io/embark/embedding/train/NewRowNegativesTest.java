package io.embark.embedding.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embark.embedding.GraphFixture;
import io.embark.embedding.PlantedGraph;
import io.embark.embedding.config.ComparatorType;
import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.NegativesConfig;
import io.embark.embedding.config.OperatorType;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.kernel.StepSettings;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.embedding.storage.EmbeddingTable;
import io.embark.partitioning.Bucket;
import io.embark.partitioning.EdgeBlock;
import io.embark.partitioning.ImportedGraph;
import io.embark.partitioning.TableKey;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code training.newRowNegatives}: the given share of each chunk's uniform negatives comes from the rows a warm
 * start's init checkpoint did not train. Edges among the first 100 rows of a 2,000-row table whose last 50 rows are
 * new: with the whole share from new rows, no row outside the edges and the new rows is touched; with none, the
 * uniform draws touch rows everywhere.
 */
class NewRowNegativesTest {

    private static final int NEW = 50;

    @TempDir
    java.nio.file.Path tmp;

    private final ModelConfig model = ModelConfig.simple(16, OperatorType.COMPLEX_DIAGONAL, ComparatorType.DOT, true).withInitScale(0.1);
    private final TrainingConfig training = TrainingConfig.defaults(1, new NegativesConfig(20, false, 25, true, true, false));

    @Test
    void the_whole_share_draws_only_new_rows_and_none_draws_everywhere() throws IOException {
        Trained all = train(1.0);
        assertEquals(0, all.changedOldRows, "rows 100.." + (all.known - 1) + " are neither an edge's nor new: untouched");
        assertTrue(all.changedNewRows >= NEW * 9 / 10, "the new rows were drawn: " + all.changedNewRows + " of " + NEW + " moved");

        Trained none = train(0);
        assertTrue(none.changedOldRows > 500, "uniform draws over every row: " + none.changedOldRows + " old rows moved");
        assertTrue(none.changedNewRows < NEW / 2, "few of the 2.5% new rows drawn: " + none.changedNewRows);

        Trained half = train(0.5);
        assertTrue(half.changedOldRows > 200 && half.changedNewRows >= NEW * 9 / 10,
                "half of each draw from the new rows, half from all: " + half.changedOldRows + " old, " + half.changedNewRows + " new moved");
    }

    private record Trained(int known, int changedOldRows, int changedNewRows) {
    }

    private Trained train(double share) throws IOException {
        FileSystem fs = GraphFixture.localFs();
        PlantedGraph planted = new PlantedGraph(2_000, 20, 3, 10, 0.05, 11);
        ImportedGraph graph = GraphFixture.write(fs, new Path(tmp.resolve("data-" + share).toString()), planted.entityNames,
                planted.relationNames, 1, planted.splits);
        TrainingSchema schema = new TrainingSchema(graph.manifest(), model);
        CheckpointStore store = new CheckpointStore(fs, new Path(tmp.resolve("ckpt-" + share).toString()));
        Bucket bucket = new Bucket(0, 0);
        Map<TableKey, EmbeddingTable> tables = new HashMap<>();
        for (TableKey key : schema.tablesOf(bucket)) {
            tables.put(key, Trainer.initialTable(schema, model, training, key.entityType(), key.partition()));
        }
        assertEquals(1, tables.size());
        EmbeddingTable table = tables.values().iterator().next();
        int known = table.rows() - NEW;
        table.markKnownRows(known);
        EmbeddingTable before = table.copy();
        EdgeBlock edges = new EdgeBlock(400, false);
        for (int i = 0; i < 400; i++) {
            edges.add(i % 3, i % 100, (i * 7 + 1) % 100);
        }
        try (HogwildTrainer hogwild = new HogwildTrainer(schema, RunStart.relations(schema, model, store, Optional.empty()),
                training.kernel(), StepSettings.of(model, training), training.negatives(), share, 1, 7)) {
            assertEquals(400, hogwild.train(bucket, edges, tables).edges());
        }
        int changedOld = 0;
        int changedNew = 0;
        for (int i = 100; i < table.rows(); i++) {
            if (!Arrays.equals(before.row(i), table.row(i))) {
                if (i < known) {
                    changedOld++;
                } else {
                    changedNew++;
                }
            }
        }
        for (int i = 0; i < 100; i++) {
            assertTrue(!Arrays.equals(before.row(i), table.row(i)), "edge row " + i + " trained");
        }
        return new Trained(known, changedOld, changedNew);
    }
}
