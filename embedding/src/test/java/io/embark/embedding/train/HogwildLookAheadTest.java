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
import io.embark.embedding.kernel.Chunk;
import io.embark.embedding.kernel.ChunkGradients;
import io.embark.embedding.kernel.ChunkStep;
import io.embark.embedding.kernel.StepKernel;
import io.embark.embedding.kernel.StepSettings;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.embedding.storage.EmbeddingTable;
import io.embark.partitioning.Bucket;
import io.embark.partitioning.DatasetLayout;
import io.embark.partitioning.EdgeBlock;
import io.embark.partitioning.ImportedGraph;
import io.embark.partitioning.TableKey;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A HOGWILD thread fills the next chunk of its batch before computing the current one and hands it to the step
 * ({@link ChunkStep#lookAhead}). On one thread, recorded through a step that wraps the BLAS one: every chunk but the
 * first of each batch was announced, the announced chunk is exactly the one computed next (not refilled or changed in
 * between), every edge of the bucket is trained exactly once, and the negatives are the sampler's draws in the order
 * a fill just before each step takes them, so filling ahead changes nothing trained.
 */
class HogwildLookAheadTest {

    private static final long SEED = 5;

    @TempDir
    java.nio.file.Path tmp;

    @Test
    void theAnnouncedChunkIsTheNextOneAndTheDrawsKeepTheirOrder() throws IOException {
        PlantedGraph planted = new PlantedGraph(2_000, 20, 3, 10, 0.05, 11);
        ImportedGraph graph = GraphFixture.write(GraphFixture.localFs(), new Path(tmp.resolve("data").toString()), planted.entityNames,
                planted.relationNames, 1, planted.splits);
        ModelConfig model = ModelConfig.simple(16, OperatorType.COMPLEX_DIAGONAL, ComparatorType.DOT, true).withInitScale(0.1);
        int uniform = 30;
        TrainingConfig training = TrainingConfig.defaults(1, new NegativesConfig(50, true, uniform, true, true, false))
                .withBatchSize(150).withThreads(1);
        StepSettings settings = StepSettings.of(model, training);
        assertEquals(3, settings.chunksPerStep());
        TrainingSchema schema = new TrainingSchema(graph.manifest(), model);
        CheckpointStore store = new CheckpointStore(GraphFixture.localFs(), new Path(tmp.resolve("ckpt").toString()));
        Bucket bucket = new Bucket(0, 0);
        Map<TableKey, EmbeddingTable> tables = new HashMap<>();
        for (TableKey key : schema.tablesOf(bucket)) {
            tables.put(key, Trainer.initialTable(schema, model, training, key.entityType(), key.partition()));
        }
        EdgeBlock edges = graph.readBucket(DatasetLayout.TRAIN, bucket);
        List<Recording> steps = new ArrayList<>();
        StepKernel.Factory recording = (rel, s, capacity, u, dim) -> {
            Recording r = new Recording(StepKernel.BLAS.create(rel, s, capacity, u, dim));
            steps.add(r);
            return r;
        };
        try (HogwildTrainer hogwild = new HogwildTrainer(schema, RunStart.relations(schema, model, store, Optional.empty()), recording,
                settings, training.negatives(), 0, 1, SEED)) {
            hogwild.startEpoch(SEED, 0);
            assertEquals(edges.size(), hogwild.train(bucket, edges, tables).edges());
        }
        Recording r = steps.get(0);
        int chunks = r.computed.size();
        int batches = (chunks + 2) / 3;
        assertTrue(chunks >= 20, "enough chunks to matter: " + chunks);
        assertEquals(0, r.mismatches, "announced chunks that differed from the next one computed");
        assertEquals(chunks - batches, r.announced, "every chunk but the first of each batch is announced");

        // every edge once
        List<String> expected = new ArrayList<>();
        for (int e = 0; e < edges.size(); e++) {
            expected.add(edges.relations()[e] + " " + edges.lhsOffsets()[e] + " " + edges.rhsOffsets()[e]);
        }
        List<String> trained = new ArrayList<>();
        for (Snapshot s : r.computed) {
            for (int i = 0; i < s.relation.length; i++) {
                trained.add(s.relation[i] + " " + s.lhs[i] + " " + s.rhs[i]);
            }
        }
        expected.sort(null);
        trained.sort(null);
        assertEquals(expected, trained, "the trained edges are the bucket's, each once");

        // the draws, as filling each chunk just before its step takes them: one stream, lhs and rhs interleaved
        int rows = tables.values().iterator().next().rows();
        SplittableRandom stream = new SplittableRandom(SEED * 0x9E3779B97F4A7C15L).split();
        for (int c = 0; c < chunks; c++) {
            int[] lhs = new int[uniform];
            int[] rhs = new int[uniform];
            for (int j = 0; j < uniform; j++) {
                lhs[j] = stream.nextInt(rows);
                rhs[j] = stream.nextInt(rows);
            }
            assertEquals(Arrays.toString(lhs), Arrays.toString(r.computed.get(c).lhsNegatives), "lhs negatives of chunk " + c);
            assertEquals(Arrays.toString(rhs), Arrays.toString(r.computed.get(c).rhsNegatives), "rhs negatives of chunk " + c);
        }
    }

    /** A chunk's contents at one moment. */
    private record Snapshot(int[] relation, int[] lhs, int[] rhs, int[] lhsNegatives, int[] rhsNegatives, EmbeddingTable lhsTable,
                            EmbeddingTable rhsTable) {
        static Snapshot of(Chunk c) {
            return new Snapshot(Arrays.copyOf(c.relation, c.size), Arrays.copyOf(c.lhs, c.size), Arrays.copyOf(c.rhs, c.size),
                    Arrays.copyOf(c.lhsNegatives, c.lhsNegativeCount), Arrays.copyOf(c.rhsNegatives, c.rhsNegativeCount), c.lhsTable,
                    c.rhsTable);
        }

        boolean same(Snapshot o) {
            return Arrays.equals(relation, o.relation) && Arrays.equals(lhs, o.lhs) && Arrays.equals(rhs, o.rhs)
                    && Arrays.equals(lhsNegatives, o.lhsNegatives) && Arrays.equals(rhsNegatives, o.rhsNegatives)
                    && lhsTable == o.lhsTable && rhsTable == o.rhsTable;
        }
    }

    /** The BLAS step, recording what it is told and what it computes. */
    private static final class Recording implements ChunkStep {
        final ChunkStep inner;
        final List<Snapshot> computed = new ArrayList<>();
        Snapshot hint;
        Snapshot promised;
        int announced;
        int mismatches;

        Recording(ChunkStep inner) {
            this.inner = inner;
        }

        @Override
        public void lookAhead(Chunk next) {
            hint = next == null ? null : Snapshot.of(next);
            inner.lookAhead(next);
        }

        @Override
        public double computeGradients(Chunk chunk, ChunkGradients gradients) {
            Snapshot now = Snapshot.of(chunk);
            if (promised != null) {
                announced++;
                if (!promised.same(now)) {
                    mismatches++;
                }
            }
            promised = hint;
            hint = null;
            computed.add(now);
            return inner.computeGradients(chunk, gradients);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
