package io.embark.embedding.config;

import io.embark.embedding.kernel.StepKernel;
import io.embark.partitioning.BucketOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the model is trained. None of these keys has to match when a checkpoint is resumed (epochs may grow, the
 * learning rate may change), so they are recorded with the checkpoint but not compared.
 *
 * @param epochs              passes over all buckets
 * @param loss                ranking, logistic or softmax
 * @param margin              the ranking loss's margin (ignored by the other losses)
 * @param negatives           chunking and negative sampling
 * @param learningRate        row-wise Adagrad learning rate of the embeddings
 * @param relationLearningRate element-wise Adagrad learning rate of the relation operators' parameters
 * @param threads             HOGWILD threads training one bucket
 * @param bucketOrder         order of the P x P buckets in each epoch
 * @param seed                seeds initialization, shuffling and sampling (runs with 1 thread are reproducible)
 * @param keepCheckpoints     committed checkpoint versions kept (older ones are deleted)
 * @param batchSize           edges per optimizer step: the gradients of consecutive chunks are summed until they
 *                            cover this many edges, then Adagrad updates every touched row once (PyTorch-BigGraph's
 *                            batch_size); 0 or at most the chunk size: one step per chunk
 * @param adagrad             the entity embeddings' Adagrad: row-wise (one accumulator per entity, PyTorch-BigGraph's)
 *                            or element-wise (one per coordinate); must match when a checkpoint is resumed
 * @param resume              which checkpoint version a run resumes from: the newest, or the newest that verifies
 * @param kernel              the chunk step: BLAS (the CPU default) or ND4J (ND4J's backend, CUDA included)
 * @param init                where the model starts when there is no checkpoint to resume: from scratch, or warm-started
 *                            from a checkpoint of this dataset or of its base ({@link InitConfig})
 * @param relationPrediction  weight of the auxiliary relation-prediction loss (each edge's relation ranked among all
 *                            relations from its two entities, softmax cross-entropy; Chen et al. 2021); 0 = off
 * @param tables              which tables one machine keeps in memory between buckets ({@link TableResidency})
 */
public record TrainingConfig(
        int epochs,
        LossType loss,
        double margin,
        NegativesConfig negatives,
        double learningRate,
        double relationLearningRate,
        int threads,
        BucketOrder bucketOrder,
        long seed,
        int keepCheckpoints,
        int batchSize,
        AdagradMode adagrad,
        ResumeFrom resume,
        StepKernel kernel,
        InitConfig init,
        double relationPrediction,
        TableResidency tables) implements java.io.Serializable {

    public TrainingConfig {
        if (epochs <= 0) {
            throw new IllegalArgumentException("training.epochs: " + epochs + " (expected > 0)");
        }
        if (loss == null || negatives == null || bucketOrder == null) {
            throw new IllegalArgumentException("training: loss, negatives and bucketOrder are required");
        }
        if (!(margin >= 0) || Double.isInfinite(margin)) {
            throw new IllegalArgumentException("training.margin: " + margin + " (expected >= 0)");
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("training.learningRate: " + learningRate + " (expected > 0)");
        }
        if (!(relationLearningRate >= 0) || Double.isInfinite(relationLearningRate)) {
            throw new IllegalArgumentException("training.relationLearningRate: " + relationLearningRate + " (expected >= 0)");
        }
        if (threads <= 0) {
            throw new IllegalArgumentException("training.threads: " + threads + " (expected > 0)");
        }
        if (keepCheckpoints <= 0) {
            throw new IllegalArgumentException("training.keepCheckpoints: " + keepCheckpoints + " (expected > 0)");
        }
        if (adagrad == null) {
            throw new IllegalArgumentException("training.adagrad is required");
        }
        if (resume == null) {
            throw new IllegalArgumentException("training.resume is required");
        }
        if (kernel == null) {
            throw new IllegalArgumentException("training.kernel is required");
        }
        if (tables == null) {
            throw new IllegalArgumentException("training.tables is required");
        }
        if (init == null) {
            throw new IllegalArgumentException("training.init is required (InitConfig.NONE: from scratch)");
        }
        if (batchSize < 0) {
            throw new IllegalArgumentException("training.batchSize: " + batchSize + " (expected >= 0)");
        }
        if (!(relationPrediction >= 0) || Double.isInfinite(relationPrediction)) {
            throw new IllegalArgumentException("training.relationPrediction: " + relationPrediction + " (expected >= 0)");
        }
        if (init.newRowNegatives() > 0 && negatives.uniform() == 0) {
            throw new IllegalArgumentException("training.newRowNegatives = " + init.newRowNegatives()
                    + " with training.negatives.uniform = 0 (it is a share of the uniform negatives; expected uniform > 0)");
        }
    }

    /** One optimizer step per chunk (batchSize 0). */
    public TrainingConfig(int epochs, LossType loss, double margin, NegativesConfig negatives, double learningRate,
                          double relationLearningRate, int threads, BucketOrder bucketOrder, long seed, int keepCheckpoints) {
        this(epochs, loss, margin, negatives, learningRate, relationLearningRate, threads, bucketOrder, seed, keepCheckpoints, 0,
                AdagradMode.ROWWISE, ResumeFrom.LATEST, StepKernel.BLAS, InitConfig.NONE, 0, TableResidency.AUTO);
    }

    /** Chunks whose gradients one optimizer step sums: {@code ceil(batchSize / chunkSize)}, at least 1. */
    public int chunksPerStep() {
        int c = negatives.chunkSize();
        return Math.max(1, (batchSize + c - 1) / c);
    }

    /** Defaults close to PyTorch-BigGraph's: softmax, lr 0.1 for both, 1 thread, inside-out order, keep 2 checkpoints. */
    public static TrainingConfig defaults(int epochs, NegativesConfig negatives) {
        return new TrainingConfig(epochs, LossType.SOFTMAX, 0.1, negatives, 0.1, 0.1, 1, BucketOrder.INSIDE_OUT, 1L, 2);
    }

    public TrainingConfig withEpochs(int n) {
        return new TrainingConfig(n, loss, margin, negatives, learningRate, relationLearningRate, threads, bucketOrder, seed, keepCheckpoints, batchSize, adagrad, resume, kernel, init, relationPrediction, tables);
    }

    public TrainingConfig withLoss(LossType l, double m) {
        return new TrainingConfig(epochs, l, m, negatives, learningRate, relationLearningRate, threads, bucketOrder, seed, keepCheckpoints, batchSize, adagrad, resume, kernel, init, relationPrediction, tables);
    }

    public TrainingConfig withLearningRates(double lr, double relationLr) {
        return new TrainingConfig(epochs, loss, margin, negatives, lr, relationLr, threads, bucketOrder, seed, keepCheckpoints, batchSize, adagrad, resume, kernel, init, relationPrediction, tables);
    }

    public TrainingConfig withThreads(int n) {
        return new TrainingConfig(epochs, loss, margin, negatives, learningRate, relationLearningRate, n, bucketOrder, seed, keepCheckpoints, batchSize, adagrad, resume, kernel, init, relationPrediction, tables);
    }

    public TrainingConfig withBucketOrder(BucketOrder order) {
        return new TrainingConfig(epochs, loss, margin, negatives, learningRate, relationLearningRate, threads, order, seed, keepCheckpoints, batchSize, adagrad, resume, kernel, init, relationPrediction, tables);
    }

    public TrainingConfig withResume(ResumeFrom from) {
        return new TrainingConfig(epochs, loss, margin, negatives, learningRate, relationLearningRate, threads, bucketOrder, seed, keepCheckpoints, batchSize, adagrad, from, kernel, init, relationPrediction, tables);
    }

    public TrainingConfig withAdagrad(AdagradMode mode) {
        return new TrainingConfig(epochs, loss, margin, negatives, learningRate, relationLearningRate, threads, bucketOrder, seed, keepCheckpoints, batchSize, mode, resume, kernel, init, relationPrediction, tables);
    }

    /** The keys a resumed checkpoint must match: the optimizer state's shape (absent for row-wise, as older checkpoints). */
    public Map<String, String> compatibilityKeys() {
        return adagrad == AdagradMode.ROWWISE ? Map.of() : Map.of("training.adagrad", ConfigChoice.spelling(adagrad));
    }

    public TrainingConfig withKernel(StepKernel k) {
        return new TrainingConfig(epochs, loss, margin, negatives, learningRate, relationLearningRate, threads, bucketOrder, seed, keepCheckpoints, batchSize, adagrad, resume, k, init, relationPrediction, tables);
    }

    public TrainingConfig withBatchSize(int edges) {
        return new TrainingConfig(epochs, loss, margin, negatives, learningRate, relationLearningRate, threads, bucketOrder, seed, keepCheckpoints, edges, adagrad, resume, kernel, init, relationPrediction, tables);
    }

    public TrainingConfig withNegatives(NegativesConfig n) {
        return new TrainingConfig(epochs, loss, margin, n, learningRate, relationLearningRate, threads, bucketOrder, seed, keepCheckpoints, batchSize, adagrad, resume, kernel, init, relationPrediction, tables);
    }

    public TrainingConfig withSeed(long s) {
        return new TrainingConfig(epochs, loss, margin, negatives, learningRate, relationLearningRate, threads, bucketOrder, s, keepCheckpoints, batchSize, adagrad, resume, kernel, init, relationPrediction, tables);
    }

    public TrainingConfig withInit(InitConfig i) {
        return new TrainingConfig(epochs, loss, margin, negatives, learningRate, relationLearningRate, threads, bucketOrder, seed, keepCheckpoints, batchSize, adagrad, resume, kernel, i, relationPrediction, tables);
    }

    /** The same training with the auxiliary relation-prediction term weighted {@code weight} (0: off). */
    public TrainingConfig withRelationPrediction(double weight) {
        return new TrainingConfig(epochs, loss, margin, negatives, learningRate, relationLearningRate, threads, bucketOrder, seed, keepCheckpoints, batchSize, adagrad, resume, kernel, init, weight, tables);
    }

    /** The same training keeping {@code residency}'s tables in memory between buckets. */
    public TrainingConfig withTables(TableResidency residency) {
        return new TrainingConfig(epochs, loss, margin, negatives, learningRate, relationLearningRate, threads, bucketOrder, seed, keepCheckpoints, batchSize, adagrad, resume, kernel, init, relationPrediction, residency);
    }

    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("training.epochs", Integer.toString(epochs));
        m.put("training.loss", ConfigChoice.spelling(loss));
        m.put("training.margin", Double.toString(margin));
        m.put("training.negatives.chunkSize", Integer.toString(negatives.chunkSize()));
        m.put("training.negatives.batch", Boolean.toString(negatives.batch()));
        m.put("training.negatives.uniform", Integer.toString(negatives.uniform()));
        m.put("training.negatives.lhs", Boolean.toString(negatives.lhs()));
        m.put("training.negatives.rhs", Boolean.toString(negatives.rhs()));
        m.put("training.negatives.all", Boolean.toString(negatives.all()));
        m.put("training.negatives.shared", Boolean.toString(negatives.shared()));
        m.put("training.negatives.queryEntity", Boolean.toString(negatives.queryEntity()));
        m.put("training.negatives.queryMargin", Double.toString(negatives.queryMargin()));
        m.put("training.learningRate", Double.toString(learningRate));
        m.put("training.relationLearningRate", Double.toString(relationLearningRate));
        m.put("training.threads", Integer.toString(threads));
        m.put("training.bucketOrder", ConfigChoice.spelling(bucketOrder));
        m.put("training.seed", Long.toString(seed));
        m.put("training.keepCheckpoints", Integer.toString(keepCheckpoints));
        m.put("training.batchSize", Integer.toString(batchSize));
        m.put("training.adagrad", ConfigChoice.spelling(adagrad));
        m.put("training.resume", ConfigChoice.spelling(resume));
        m.put("training.kernel", ConfigChoice.spelling(kernel));
        m.put("training.relationPrediction", Double.toString(relationPrediction));
        m.put("training.tables", ConfigChoice.spelling(tables));
        if (init.warm()) {
            m.put("training.init", init.checkpoint());
            m.put("training.freeze", ConfigChoice.spelling(init.freeze()));
        }
        m.put("training.replay", Double.toString(init.replay()));
        m.put("training.newRowNegatives", Double.toString(init.newRowNegatives()));
        return m;
    }
}
