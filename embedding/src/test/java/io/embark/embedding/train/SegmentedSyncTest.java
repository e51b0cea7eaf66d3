package io.embark.embedding.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.embark.allreduce.Communicator;
import io.embark.allreduce.transport.InProcessFabric;
import io.embark.embedding.config.ComparatorType;
import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.OperatorType;
import io.embark.embedding.model.RelationParameters;
import io.embark.embedding.storage.EmbeddingTable;
import io.embark.embedding.storage.SegmentedTables;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shared parameters of distributed training sync every segment of a segmented table: two workers update rows in
 * different segments (the first and the last, short one), and after one sync both replicas hold both updates.
 */
@Timeout(60)
class SegmentedSyncTest {

    @Test
    void updatesInEverySegmentReachEveryReplica() throws Exception {
        int workers = 2;
        InProcessFabric fabric = new InProcessFabric(workers);
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        EmbeddingTable initial = EmbeddingTable.random("u", 0, 10, 2, 0.5, new SplittableRandom(1));
        ModelConfig model = ModelConfig.simple(2, OperatorType.DIAGONAL, ComparatorType.DOT, false);
        try {
            List<Future<EmbeddingTable>> futures = new ArrayList<>();
            for (int r = 0; r < workers; r++) {
                int rank = r;
                futures.add(pool.submit(() -> {
                    try (Communicator comm = DistributedTrainerTest.inProcess(fabric, rank, workers)) {
                        // rank 1 starts from other values: start() makes every replica rank 0's
                        EmbeddingTable t = SegmentedTables.resegmented(rank == 0 ? initial
                                : EmbeddingTable.random("u", 0, 10, 2, 0.5, new SplittableRandom(2)), 4);
                        RelationParameters rel = RelationParameters.create(model, List.of("r"), new int[] {2});
                        SharedParameterSync sync = SharedParameterSync.of(rel, List.of(t), comm);
                        sync.start();
                        int row = rank == 0 ? 1 : 9; // segment 0, and the last segment (rows 8 and 9)
                        t.data(row)[t.dataOffset(row)] += 1f;
                        t.state(row)[t.stateOffset(row)] += 2f;
                        sync.sync();
                        return t;
                    }
                }));
            }
            EmbeddingTable a = futures.get(0).get();
            EmbeddingTable b = futures.get(1).get();
            assertEquals(3, a.segments());
            assertArrayEquals(SegmentedTables.flatten(a), SegmentedTables.flatten(b), "replicas equal");
            for (int row : new int[] {1, 9}) {
                assertEquals(initial.row(row)[0] + 1f, a.row(row)[0], "row " + row + " updated once");
                assertEquals(2f, a.state(row)[a.stateOffset(row)], "accumulator of row " + row);
            }
            assertArrayEquals(initial.row(5), a.row(5), "an untouched row keeps rank 0's value");
        } finally {
            pool.shutdownNow();
        }
    }
}
