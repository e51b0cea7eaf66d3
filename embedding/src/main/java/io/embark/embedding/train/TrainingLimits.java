package io.embark.embedding.train;

import io.embark.embedding.config.AdagradMode;
import io.embark.embedding.config.ComparatorType;
import io.embark.embedding.config.ConfigChoice;
import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.NegativesConfig;
import io.embark.embedding.config.OperatorType;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.kernel.BlasChunkStep;
import io.embark.embedding.kernel.StepKernel;
import io.embark.embedding.model.Operator;
import io.embark.partitioning.Bucket;
import io.embark.partitioning.DatasetLayout;
import io.embark.partitioning.ImportManifest;
import io.embark.partitioning.ImportedGraph;
import io.embark.partitioning.Limits;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sizes a training run must fit, checked when it starts, before any table is loaded or bucket read, so that a
 * run that cannot finish is refused in one line that names the keys and what would fit, rather than failing an hour
 * in. What is checked (docs/limits.md lists them with their keys):
 * <ul>
 *   <li>rows per partition: at most {@link Limits#MAX_PARTITION_ROWS} (a row offset is an int);</li>
 *   <li>edges per bucket of the train split: at most {@link Limits#MAX_BUCKET_EDGES};</li>
 *   <li>a chunk step's buffers ({@link BlasChunkStep#largestBuffer}): in all-negatives mode a step scores a whole
 *       partition, so this bounds the rows per partition at the model's dimension;</li>
 *   <li>a batch's summed row gradients ({@code training.batchSize}): at most {@link Limits#MAX_ARRAY} floats per table;</li>
 *   <li>distributed training: the relation parameters and the tables of unpartitioned types, which every worker
 *       replicates and syncs as one array.</li>
 * </ul>
 * Tables themselves have no limit on rows x dimension: they are segmented
 * ({@link io.embark.embedding.storage.EmbeddingTable}).
 */
public final class TrainingLimits {

    private TrainingLimits() {
    }

    /**
     * Throws {@link IllegalArgumentException} with the first violation, if any; an {@link IOException} if the dataset's
     * bucket counts cannot be read.
     */
    public static void check(ImportedGraph graph, ModelConfig model, TrainingConfig training, boolean distributed)
            throws IOException {
        List<String> v = violations(graph.manifest(), bucketEdges(graph), model, training, distributed);
        if (!v.isEmpty()) {
            throw new IllegalArgumentException(v.get(0));
        }
    }

    /**
     * Every limit the run would break, each as one line naming the keys and what would fit; empty when it fits.
     * {@code bucketEdges}: the train split's edges per bucket.
     */
    static List<String> violations(ImportManifest manifest, Map<Bucket, Long> bucketEdges, ModelConfig model,
                                   TrainingConfig training, boolean distributed) {
        List<String> out = new ArrayList<>();
        TrainingSchema schema = new TrainingSchema(manifest, model);
        long maxRows = 0;
        TrainingSchema.TypeInfo largest = null;
        for (int t = 0; t < schema.typeCount(); t++) {
            TrainingSchema.TypeInfo type = schema.type(t);
            long count = count(type);
            for (long c : type.partitionCounts()) {
                if (c > Limits.MAX_PARTITION_ROWS) {
                    out.add(Limits.tooFewPartitions(type.name(), count, type.partitions(), Limits.MAX_PARTITION_ROWS,
                            "the most one partition can hold (a row's offset is an int)"));
                    return out; // the checks below assume int row counts
                }
                if (c > maxRows) {
                    maxRows = c;
                    largest = type;
                }
            }
        }
        for (Map.Entry<Bucket, Long> e : bucketEdges.entrySet()) {
            if (e.getValue() > Limits.MAX_BUCKET_EDGES) {
                out.add(bucketTooLarge(schema, e.getKey(), e.getValue()));
                break;
            }
        }
        relationPrediction(schema, model, training).ifPresent(out::add);
        stepBuffers(schema, training, maxRows, largest).ifPresent(out::add);
        batchGradients(schema, training, maxRows).ifPresent(out::add);
        if (distributed) {
            sharedParameters(schema, model, training).ifPresent(out::add);
        }
        return out;
    }

    /** The train split's edges per bucket of the grid, from the dataset's manifest (no bucket is read). */
    static Map<Bucket, Long> bucketEdges(ImportedGraph graph) throws IOException {
        Map<Bucket, Long> out = new HashMap<>();
        int lhs = graph.manifest().lhsPartitions();
        int rhs = graph.manifest().rhsPartitions();
        for (int l = 0; l < lhs; l++) {
            for (int r = 0; r < rhs; r++) {
                Bucket b = new Bucket(l, r);
                out.put(b, graph.bucketEdges(DatasetLayout.TRAIN, b));
            }
        }
        return out;
    }

    private static String bucketTooLarge(TrainingSchema schema, Bucket b, long edges) {
        List<String> keys = new ArrayList<>();
        int p = 1;
        for (int t = 0; t < schema.typeCount(); t++) {
            if (schema.type(t).partitions() > 1 || schema.typeCount() == 1) {
                keys.add("graph.entities." + schema.type(t).name() + ".partitions");
                p = Math.max(p, schema.type(t).partitions());
            }
        }
        // a bucket's edges fall about as 1/P^2 when both sides are partitioned (as 1/P when one is)
        long about = (long) Math.ceil(p * Math.sqrt((double) edges / Limits.MAX_BUCKET_EDGES));
        return String.join(", ", keys) + ": bucket " + b + " of the train split holds " + Limits.number(edges)
                + " edges, more than the " + Limits.number(Limits.MAX_BUCKET_EDGES) + " one bucket can train (its edges are one block of"
                + " int-indexed arrays); re-import with more partitions (" + p + " now; about " + Limits.number(Math.max(p + 1, about))
                + " if edges spread evenly over the buckets)";
    }

    /**
     * {@code training.relationPrediction} scores each edge against every relation in one product, which needs one
     * operator linear in its parameters (diagonal, complex_diagonal, linear) and one dimension for all relations, the
     * dot comparator, the same entity types for every relation (all of them must be candidates of every edge), and
     * the BLAS step.
     */
    private static Optional<String> relationPrediction(TrainingSchema schema, ModelConfig model, TrainingConfig training) {
        if (training.relationPrediction() <= 0) {
            return Optional.empty();
        }
        String key = "training.relationPrediction = " + training.relationPrediction() + ": ";
        if (training.kernel() != StepKernel.BLAS) {
            return Optional.of(key + "only training.kernel = blas computes it (training.kernel = " + ConfigChoice.spelling(training.kernel())
                    + ")");
        }
        if (model.comparator() != ComparatorType.DOT) {
            return Optional.of(key + "needs model.comparator = dot (it is " + ConfigChoice.spelling(model.comparator()) + ")");
        }
        List<String> names = schema.relationNames();
        for (int r = 0; r < names.size(); r++) {
            OperatorType op = model.relation(names.get(r)).operator();
            if (op != OperatorType.DIAGONAL && op != OperatorType.COMPLEX_DIAGONAL && op != OperatorType.LINEAR) {
                return Optional.of(key + "needs relation operators linear in their parameters (diagonal, complex_diagonal, linear);"
                        + " relation '" + names.get(r) + "' has " + ConfigChoice.spelling(op));
            }
            OperatorType first = model.relation(names.get(0)).operator();
            if (op != first || schema.relationDims()[r] != schema.relationDims()[0]
                    || schema.lhsType(r) != schema.lhsType(0) || schema.rhsType(r) != schema.rhsType(0)) {
                return Optional.of(key + "needs every relation to have the same operator, dimension and entity types (relations '"
                        + names.get(0) + "' and '" + names.get(r) + "' differ)");
            }
        }
        return Optional.empty();
    }

    /** A chunk step's largest buffer; in all-negatives mode it grows with the rows of a partition. */
    private static Optional<String> stepBuffers(TrainingSchema schema, TrainingConfig training, long maxRows,
                                                TrainingSchema.TypeInfo largest) {
        NegativesConfig neg = training.negatives();
        int d = schema.maxDim();
        int chunk = neg.chunkSize();
        boolean shared = neg.shared();
        int uniform = neg.all() ? (int) maxRows : neg.uniform();
        long need = BlasChunkStep.largestBuffer(chunk, uniform, d, shared);
        if (need <= Limits.MAX_ARRAY) {
            return Optional.empty();
        }
        if (neg.all() && largest != null) {
            long fit = allNegativesRows(chunk, d, shared);
            if (fit >= 1) {
                return Optional.of(Limits.tooFewPartitions(largest.name(), count(largest), largest.partitions(), fit,
                        "the most rows a step of training.negatives.all = true scores at once with training.negatives.chunkSize = "
                                + chunk + " and dimension " + d + " (its buffers hold at most " + Limits.number(Limits.MAX_ARRAY)
                                + " floats)") + ", or set training.negatives.all = false");
            }
        }
        return Optional.of("training.negatives.chunkSize = " + chunk + ", training.negatives."
                + (neg.all() ? "all = true over partitions of up to " + Limits.number(maxRows) + " rows" : "uniform = " + uniform)
                + ", dimension " + d + ": a chunk step needs a buffer of " + Limits.number(need) + " floats, more than "
                + Limits.number(Limits.MAX_ARRAY) + "; use smaller chunks or fewer negatives");
    }

    /** The most rows per partition that all-negatives steps of this shape can score (0: none). */
    static long allNegativesRows(int chunk, int dim, boolean shared) {
        long rows = (shared ? 2L : 1L) * chunk;
        // (rows + R) * dim, rows * (rows + R) and the negatives' index 4 * highestOneBit(R) all within MAX_ARRAY
        long byCandidates = Limits.MAX_ARRAY / dim - rows;
        long byScores = Limits.MAX_ARRAY / rows - rows;
        long byIndex = (1L << 29) - 1;
        return Math.max(0, Math.min(Math.min(byCandidates, byScores), byIndex));
    }

    /**
     * With {@code training.batchSize} above the chunk size, one optimizer step sums the gradients of every row the
     * batch touches in one array per table: at most {@code chunksPerStep x (2 chunk + 2 uniform)} rows (all of a
     * partition in all-negatives mode, which {@link #stepBuffers} bounds already).
     */
    private static Optional<String> batchGradients(TrainingSchema schema, TrainingConfig training, long maxRows) {
        NegativesConfig neg = training.negatives();
        if (training.chunksPerStep() <= 1 || neg.all()) {
            return Optional.empty();
        }
        int d = schema.maxDim();
        long perChunk = 2L * neg.chunkSize() + 2L * neg.uniform();
        long rows = Math.min(maxRows, training.chunksPerStep() * perChunk);
        if (rows * d <= Limits.MAX_ARRAY) {
            return Optional.empty();
        }
        long maxBatch = (long) neg.chunkSize() * (Limits.MAX_ARRAY / d / perChunk);
        return Optional.of("training.batchSize = " + training.batchSize() + ": one optimizer step sums the gradients of up to "
                + Limits.number(rows) + " rows of dimension " + d + " per table in one array, more than "
                + Limits.number(Limits.MAX_ARRAY) + " floats; use training.batchSize <= " + Limits.number(Math.max(neg.chunkSize(), maxBatch)));
    }

    /**
     * Distributed training replicates the relation parameters, and the tables of unpartitioned types when other types
     * are partitioned, on every worker, and all-reduces them with their accumulators as one array
     * ({@link SharedParameterSync}).
     */
    private static Optional<String> sharedParameters(TrainingSchema schema, ModelConfig model, TrainingConfig training) {
        long relationFloats = 0;
        int slots = model.reciprocal() ? 2 : 1;
        for (int r = 0; r < schema.relationNames().size(); r++) {
            Operator op = Operator.of(model.relation(schema.relationNames().get(r)).operator());
            relationFloats += 2L * slots * op.parameterCount(schema.relationDims()[r]);
        }
        long tableFloats = 0;
        List<String> names = new ArrayList<>();
        if ((long) schema.lhsPartitions() * schema.rhsPartitions() > 1) {
            for (int t = 0; t < schema.typeCount(); t++) {
                TrainingSchema.TypeInfo type = schema.type(t);
                if (type.partitions() == 1) {
                    int width = training.adagrad() == AdagradMode.ELEMENTWISE && type.dim() > 1 ? type.dim() : 1;
                    tableFloats += count(type) * (type.dim() + width);
                    names.add(type.name());
                }
            }
        }
        long floats = relationFloats + tableFloats;
        if (floats <= Limits.MAX_ARRAY) {
            return Optional.empty();
        }
        String what = " every worker of distributed training replicates and syncs " + Limits.number(floats)
                + " floats (parameters and accumulators: " + Limits.number(relationFloats) + " of the "
                + Limits.number(schema.relationNames().size()) + " relations' operators" + (names.isEmpty() ? ""
                : ", " + Limits.number(tableFloats) + " of the unpartitioned types' tables") + "), more than "
                + Limits.number(Limits.MAX_ARRAY) + "; ";
        if (tableFloats > relationFloats) {
            int p = Math.max(schema.lhsPartitions(), schema.rhsPartitions());
            return Optional.of(String.join(", ", names.stream().map(n -> "graph.entities." + n + ".partitions").toList())
                    + ": 1 partition," + what + "partition " + (names.size() == 1 ? "it" : "them") + " like the other types ("
                    + p + " partitions)");
        }
        return Optional.of("model.relation.operator, model.relations.NAME.operator:" + what
                + "use operators with fewer parameters (diagonal or complex_diagonal: d per relation, linear: d^2) or train on one machine");
    }

    private static long count(TrainingSchema.TypeInfo type) {
        long n = 0;
        for (long c : type.partitionCounts()) {
            n += c;
        }
        return n;
    }
}
