package io.embark.jobs.config;

import io.embark.embedding.config.AdagradMode;
import io.embark.embedding.config.Freeze;
import io.embark.embedding.config.InitConfig;
import io.embark.embedding.config.LossType;
import io.embark.embedding.config.NegativesConfig;
import io.embark.embedding.config.ResumeFrom;
import io.embark.embedding.config.TableResidency;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.kernel.StepKernel;
import io.embark.partitioning.BucketOrder;

/** Section {@code training}: maps the config keys onto the embedding module's {@link TrainingConfig}. */
final class TrainingSection {

    private TrainingSection() {
    }

    static TrainingConfig read(ConfigReader c) {
        try {
            NegativesConfig negatives = new NegativesConfig(
                    c.integer("training.negatives.chunkSize", 50, 1, 1 << 20),
                    c.bool("training.negatives.batch", true),
                    c.integer("training.negatives.uniform", 50, 0, 1 << 20),
                    c.bool("training.negatives.lhs", true),
                    c.bool("training.negatives.rhs", true),
                    c.bool("training.negatives.all", false),
                    c.bool("training.negatives.shared", false),
                    c.bool("training.negatives.queryEntity", false),
                    c.doubleValue("training.negatives.queryMargin", 0, 0, 1e6));
            double lr = c.doubleValue("training.learningRate", 0.1, Double.MIN_VALUE, Double.MAX_VALUE);
            return new TrainingConfig(
                    c.integer("training.epochs", 10, 1, 1 << 20),
                    c.choice("training.loss", LossType.class, LossType.RANKING),
                    c.doubleValue("training.margin", 0.1, 0, Double.MAX_VALUE),
                    negatives,
                    lr,
                    c.doubleValue("training.relationLearningRate", lr, 0, Double.MAX_VALUE),
                    c.integer("training.threads", Runtime.getRuntime().availableProcessors(), 1, 1024),
                    c.choice("training.bucketOrder", BucketOrder.class, BucketOrder.INSIDE_OUT),
                    c.longValue("training.seed", 0, Long.MIN_VALUE, Long.MAX_VALUE),
                    c.integer("training.keepCheckpoints", 2, 1, 1000),
                    c.integer("training.batchSize", 0, 0, 1 << 24),
                    c.choice("training.adagrad", AdagradMode.class, AdagradMode.ROWWISE),
                    c.choice("training.resume", ResumeFrom.class, ResumeFrom.LATEST),
                    c.choice("training.kernel", StepKernel.class, StepKernel.BLAS),
                    new InitConfig(c.optionalString("training.init").map(p -> c.path("training.init", p)).orElse(null),
                            c.choice("training.freeze", Freeze.class, Freeze.NONE),
                            c.doubleValue("training.replay", 1.0, 0, 1),
                            c.doubleValue("training.newRowNegatives", 0, 0, 1)),
                    c.doubleValue("training.relationPrediction", 0, 0, 1e6),
                    c.choice("training.tables", TableResidency.class, TableResidency.AUTO));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }
}
