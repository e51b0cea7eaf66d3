package io.embark.embedding.train;

import io.embark.embedding.GraphFixture;
import io.embark.embedding.PlantedGraph;
import io.embark.embedding.config.ComparatorType;
import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.NegativesConfig;
import io.embark.embedding.config.OperatorType;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.kernel.StepSettings;
import io.embark.embedding.progress.ProgressLog;
import io.embark.embedding.progress.ProgressThreads;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.embedding.storage.EmbeddingTable;
import io.embark.partitioning.Bucket;
import io.embark.partitioning.DatasetLayout;
import io.embark.partitioning.EdgeBlock;
import io.embark.partitioning.ImportedGraph;
import io.embark.partitioning.TableKey;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training reports progress while buckets train: the HOGWILD threads count every edge once, the trainer and each
 * distributed rank log progress lines every interval (1 ms here, so a run of a few hundred ms logs many), and no
 * reporter thread outlives the epoch.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TrainingProgressTest {

    private static final String COUNT = "[0-9][0-9.,]*[kMB]?";

    @TempDir
    java.nio.file.Path tmp;

    private final FileSystem fs;
    private final ModelConfig model = ModelConfig.simple(16, OperatorType.COMPLEX_DIAGONAL, ComparatorType.DOT, true).withInitScale(0.1);
    private final TrainingConfig training = TrainingConfig.defaults(2, NegativesConfig.pbg(50, 50)).withThreads(2);
    /** What the reporters logged: logger name, line. */
    private final List<String[]> lines = Collections.synchronizedList(new ArrayList<>());
    private final ProgressLog everyMillisecond = new ProgressLog(Duration.ofMillis(1), (logger, line) -> lines.add(new String[] {logger, line}));

    TrainingProgressTest() throws IOException {
        fs = GraphFixture.localFs();
    }

    private ImportedGraph graph() throws IOException {
        PlantedGraph planted = new PlantedGraph(2_000, 20, 3, 10, 0.05, 11);
        return GraphFixture.write(fs, new Path(tmp.resolve("data").toString()), planted.entityNames, planted.relationNames, 2,
                planted.splits);
    }

    @Test
    void hogwildThreadsCountEveryEdgeOnce() throws IOException {
        ImportedGraph graph = graph();
        // batches of 3 chunks: the counter is bumped per batch, with a short last batch
        TrainingConfig batched = training.withBatchSize(140);
        TrainingSchema schema = new TrainingSchema(graph.manifest(), model);
        CheckpointStore store = new CheckpointStore(fs, new Path(tmp.resolve("ckpt").toString()));
        long expected = 0;
        try (HogwildTrainer hogwild = new HogwildTrainer(schema, RunStart.relations(schema, model, store, Optional.empty()), batched.kernel(),
                StepSettings.of(model, batched), batched.negatives(), 0, batched.threads(), 1)) {
            for (Bucket b : List.of(new Bucket(0, 0), new Bucket(1, 0))) {
                Map<TableKey, EmbeddingTable> tables = new HashMap<>();
                for (TableKey key : schema.tablesOf(b)) {
                    tables.put(key, Trainer.initialTable(schema, model, batched, key.entityType(), key.partition()));
                }
                EdgeBlock edges = graph.readBucket(DatasetLayout.TRAIN, b);
                HogwildTrainer.BucketResult r = hogwild.train(b, edges, tables);
                assertEquals(edges.size(), r.edges());
                expected += edges.size();
                assertEquals(expected, hogwild.edgesTrained(), "after bucket " + b);
            }
        }
        assertTrue(expected > 1_000, "the buckets are not trivially small: " + expected);
    }

    @Test
    void trainerLogsProgressWhileBucketsTrainAndLeavesNoThread() throws IOException {
        ImportedGraph graph = graph();
        CheckpointStore store = new CheckpointStore(fs, new Path(tmp.resolve("ckpt").toString()));
        Trainer.train(graph, model, training, store, EpochEvaluator.NONE, everyMillisecond);

        assertTrue(ProgressThreads.named("embark-progress").isEmpty(), "reporter threads left: " + ProgressThreads.named("embark-progress"));
        List<String[]> logged = List.copyOf(lines);
        assertFalse(logged.isEmpty(), "no progress line in a run of two epochs with a 1 ms interval");
        Pattern line = Pattern.compile("epoch [12]/2 (starting|round [1-4]/4 bucket \\([01], [01]\\)): "
                + COUNT + " of " + COUNT + " edges of the epoch \\(\\d{1,3}%\\), [0-9,]+ edges/s, "
                + "ETA (\\d+m\\d\\ds|\\d+h\\d\\dm|unknown) for the epoch");
        String total = io.embark.embedding.progress.ProgressFormat.count(graph.manifest().split(DatasetLayout.TRAIN).edges());
        for (String[] l : logged) {
            assertEquals(TrainingLoop.class.getName(), l[0]);
            assertTrue(line.matcher(l[1]).matches(), l[1]);
            assertTrue(l[1].contains(" of " + total + " edges"), "the epoch's total is the train split: " + l[1]);
        }
        assertTrue(logged.stream().anyMatch(l -> l[1].contains(" bucket (")), "some line names the bucket training");
    }
}
