package io.embark.embedding.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embark.embedding.config.ComparatorType;
import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.NegativesConfig;
import io.embark.embedding.config.OperatorType;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.kernel.BlasChunkStep;
import io.embark.partitioning.Bucket;
import io.embark.partitioning.ImportManifest;
import io.embark.partitioning.Limits;
import io.embark.partitioning.PartitionAssignment;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The refusals of runs too large for one partition, bucket or buffer, on manifests of billions of entities that are
 * never materialized: each names the keys and what would fit, and what it advises does fit.
 */
class TrainingLimitsTest {

    private static final TrainingConfig PBG = TrainingConfig.defaults(1, NegativesConfig.pbg(50, 1000)).withBatchSize(1000);

    @Test
    void aTableOf16MillionRowsAtDimension200Fits() {
        // 3.2e9 floats, more than one Java array: segmented, so nothing to refuse
        assertEquals(List.of(), violations(manifest("node", 1, 16_000_000L), 200, PBG, false));
        assertEquals(List.of(), violations(manifest("node", 1, Limits.MAX_PARTITION_ROWS), 400, PBG, false));
    }

    @Test
    void moreRowsThanAPartitionHoldsAreRefusedWithThePartitionCountThatFits() {
        List<String> v = violations(manifest("node", 2, 5_000_000_000L), 100, PBG, false);
        assertEquals(List.of("graph.entities.node.partitions: 2 partitions of 5,000,000,000 entities hold 2,500,000,000 rows each,"
                + " more than 2,147,483,639, the most one partition can hold (a row's offset is an int); use at least 3 partitions"), v);
        assertEquals(List.of(), violations(manifest("node", 3, 5_000_000_000L), 100, PBG, false));
    }

    @Test
    void allNegativesModeBoundsThePartitionAtTheDimension() {
        TrainingConfig all = TrainingConfig.defaults(1, new NegativesConfig(50, false, 0, true, true, true));
        // a step scores every row: (50 + R) x 200 floats of candidates; R <= 2,147,483,639 / 200 - 50 = 10,737,368
        List<String> v = violations(manifest("node", 1, 20_000_000L), 200, all, false);
        assertEquals(1, v.size());
        assertTrue(v.get(0).startsWith("graph.entities.node.partitions: 1 partition of 20,000,000 entities holds 20,000,000 rows,"
                + " more than 10,737,368, the most rows a step of training.negatives.all = true scores"), v.get(0));
        assertTrue(v.get(0).endsWith("; use at least 2 partitions, or set training.negatives.all = false"), v.get(0));
        assertEquals(List.of(), violations(manifest("node", 2, 20_000_000L), 200, all, false), "the advice fits");
        assertEquals(10_737_368, TrainingLimits.allNegativesRows(50, 200, false));
        assertTrue(BlasChunkStep.largestBuffer(50, 10_737_368, 200, false) <= Limits.MAX_ARRAY);
        assertTrue(BlasChunkStep.largestBuffer(50, 10_737_369, 200, false) > Limits.MAX_ARRAY);
    }

    @Test
    void aChunkStepTooLargeForItsBuffersNamesItsKeys() {
        TrainingConfig huge = TrainingConfig.defaults(1, NegativesConfig.pbg(1 << 20, 1 << 20));
        List<String> v = violations(manifest("node", 1, 10_000_000L), 1 << 16, huge, false);
        assertEquals(1, v.size());
        assertTrue(v.get(0).startsWith("training.negatives.chunkSize = 1048576, training.negatives.uniform = 1048576, dimension 65536:"
                + " a chunk step needs a buffer of "), v.get(0));
    }

    @Test
    void aBatchSummingMoreRowGradientsThanAnArrayHoldsIsRefusedWithTheBatchThatFits() {
        // chunks of 50 edges with 1000 uniform negatives touch up to 2 x 50 + 2 x 1000 = 2,100 rows each; at d 200 one
        // array holds 2,147,483,639 / 200 = 10,737,418 rows = 5,113 chunks of 2,100 = a batch of 255,650 edges
        TrainingConfig big = PBG.withBatchSize(1 << 24);
        List<String> v = violations(manifest("node", 1, 16_000_000L), 200, big, false);
        assertEquals(List.of("training.batchSize = 16777216: one optimizer step sums the gradients of up to 16,000,000 rows of"
                + " dimension 200 per table in one array, more than 2,147,483,639 floats; use training.batchSize <= 255,650"), v);
        assertEquals(List.of(), violations(manifest("node", 1, 16_000_000L), 200, PBG.withBatchSize(255_650), false));
        assertEquals(1, violations(manifest("node", 1, 16_000_000L), 200, PBG.withBatchSize(255_700), false).size());
    }

    @Test
    void aBucketOfMoreEdgesThanABlockHoldsIsRefusedBeforeTraining() {
        ImportManifest m = manifest("node", 4, 100_000_000L);
        List<String> v = TrainingLimits.violations(m, Map.of(new Bucket(0, 0), 1000L, new Bucket(2, 3), 3_000_000_000L),
                model(100), PBG, false);
        assertEquals(1, v.size());
        assertTrue(v.get(0).startsWith("graph.entities.node.partitions: bucket " + new Bucket(2, 3) + " of the train split holds"
                + " 3,000,000,000 edges, more than the 2,147,483,639 one bucket can train"), v.get(0));
        // 4 x sqrt(3e9 / 2,147,483,639) = 4.73: about 5 partitions
        assertTrue(v.get(0).endsWith("re-import with more partitions (4 now; about 5 if edges spread evenly over the buckets)"), v.get(0));
    }

    @Test
    void distributedTrainingRefusesUnpartitionedTypesTooLargeToSync() {
        // user: 1 partition of 20M rows x (200 + 1 accumulator) = 4.02e9 floats replicated on every worker, plus the
        // relation's two complex_diagonal operators (reciprocal) of 200 parameters and 200 accumulators each
        ImportManifest m = new ImportManifest(ImportManifest.FORMAT_VERSION, "t", Map.of(),
                List.of(type("user", 1, 20_000_000L), type("item", 4, 1_000_000L)),
                List.of(new ImportManifest.RelationInfo(0, "bought", "user", "item", 1)), false, 1, 4, Map.of());
        List<String> v = TrainingLimits.violations(m, Map.of(), model(200), PBG, true);
        assertEquals(List.of("graph.entities.user.partitions: 1 partition, every worker of distributed training replicates and"
                + " syncs 4,020,000,800 floats (parameters and accumulators: 800 of the 1 relations' operators, 4,020,000,000 of"
                + " the unpartitioned types' tables), more than 2,147,483,639; partition it like the other types (4 partitions)"), v);
        assertEquals(List.of(), TrainingLimits.violations(m, Map.of(), model(200), PBG, false), "one machine does not sync");
    }

    @Test
    void distributedTrainingRefusesRelationOperatorsTooLargeToSync() {
        // 600 linear relations of dimension 1000, reciprocal: 600 x 2 slots x 2 (with accumulators) x 1,000,000 = 2.4e9
        List<ImportManifest.RelationInfo> rels = new java.util.ArrayList<>();
        for (int r = 0; r < 600; r++) {
            rels.add(new ImportManifest.RelationInfo(r, "r" + r, "node", "node", 1));
        }
        ImportManifest m = new ImportManifest(ImportManifest.FORMAT_VERSION, "t", Map.of(), List.of(type("node", 1, 1000)), rels,
                true, 1, 1, Map.of());
        ModelConfig linear = ModelConfig.simple(1000, OperatorType.LINEAR, ComparatorType.DOT, true);
        List<String> v = TrainingLimits.violations(m, Map.of(), linear, PBG, true);
        assertEquals(1, v.size());
        assertTrue(v.get(0).startsWith("model.relation.operator, model.relations.NAME.operator: every worker of distributed"
                + " training replicates and syncs 2,400,000,000 floats"), v.get(0));
        assertEquals(List.of(), TrainingLimits.violations(m, Map.of(), linear, PBG, false));
    }

    @Test
    void relationPredictionIsRefusedWhereOneProductCannotScoreEveryRelation() {
        TrainingConfig rp = PBG.withRelationPrediction(0.5);
        ImportManifest m = manifest("node", 1, 1000);
        assertEquals(List.of(), violations(m, 100, rp, false), "complex_diagonal + dot");
        assertEquals(List.of("training.relationPrediction = 0.5: needs relation operators linear in their parameters (diagonal,"
                + " complex_diagonal, linear); relation 'r' has translation"), TrainingLimits.violations(m, Map.of(),
                ModelConfig.simple(100, OperatorType.TRANSLATION, ComparatorType.DOT, true), rp, false));
        assertEquals(List.of("training.relationPrediction = 0.5: needs model.comparator = dot (it is cos)"), TrainingLimits.violations(m,
                Map.of(), ModelConfig.simple(100, OperatorType.DIAGONAL, ComparatorType.COS, true), rp, false));
        assertEquals(List.of("training.relationPrediction = 0.5: only training.kernel = blas computes it (training.kernel = nd4j)"),
                violations(m, 100, rp.withKernel(io.embark.embedding.kernel.StepKernel.ND4J), false));
        // two relations between different entity types: one relation is not a candidate of the other's edges
        ImportManifest twoTypes = new ImportManifest(ImportManifest.FORMAT_VERSION, "t", Map.of(),
                List.of(type("user", 1, 100), type("item", 1, 100)),
                List.of(new ImportManifest.RelationInfo(0, "follows", "user", "user", 1), new ImportManifest.RelationInfo(1, "buys", "user",
                        "item", 1)), false, 1, 1, Map.of());
        assertEquals(List.of("training.relationPrediction = 0.5: needs every relation to have the same operator, dimension and entity"
                + " types (relations 'follows' and 'buys' differ)"), violations(twoTypes, 100, rp, false));
        assertEquals(List.of(), violations(twoTypes, 100, PBG, false), "off: no constraint");
    }

    private static List<String> violations(ImportManifest m, int dim, TrainingConfig training, boolean distributed) {
        return TrainingLimits.violations(m, Map.of(), model(dim), training, distributed);
    }

    private static ModelConfig model(int dim) {
        return ModelConfig.simple(dim, OperatorType.COMPLEX_DIAGONAL, ComparatorType.DOT, true);
    }

    private static ImportManifest manifest(String name, int partitions, long count) {
        return new ImportManifest(ImportManifest.FORMAT_VERSION, "t", Map.of(), List.of(type(name, partitions, count)),
                List.of(new ImportManifest.RelationInfo(0, "r", name, name, 1)), true, partitions, partitions, Map.of());
    }

    private static ImportManifest.EntityTypeInfo type(String name, int partitions, long count) {
        long[] counts = new long[partitions];
        Arrays.setAll(counts, p -> PartitionAssignment.partitionSize(count, partitions, p));
        return new ImportManifest.EntityTypeInfo(name, partitions, count, counts);
    }
}
