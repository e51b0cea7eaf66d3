package io.embark.embedding.kernel;

import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.NegativesConfig;
import io.embark.embedding.config.RegularizerType;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.model.Comparator;
import io.embark.embedding.model.Loss;
import io.embark.partitioning.Side;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a chunk step needs from the config, resolved once: the comparator and loss, which sides are corrupted,
 * whether the chunk's edges corrupt each other, the N3 coefficient, the learning rates, the max norm (0 = none) and
 * how many chunks' gradients one optimizer step sums (1: a step per chunk), and whether a chunk's two sides may share
 * one set of negatives ({@link io.embark.embedding.config.NegativesConfig#shared}; the sampler marks the chunks that do),
 * whether each edge's query entity is scored as one more negative
 * ({@link io.embark.embedding.config.NegativesConfig#queryEntity}), what the training loss adds to the query entity's
 * score wherever it is a candidate ({@link io.embark.embedding.config.NegativesConfig#queryMargin}; 0 = nothing), and
 * the weight of the relation-prediction term
 * ({@link io.embark.embedding.config.TrainingConfig#relationPrediction}; 0 = off), and the DURA coefficient (0 = off;
 * at most one of it and the N3 coefficient is set, by {@code model.regularizer}).
 */
public record StepSettings(
        Comparator comparator,
        Loss loss,
        float margin,
        boolean batchNegatives,
        Set<Side> predicted,
        float n3,
        float learningRate,
        float relationLearningRate,
        float maxNorm,
        int chunksPerStep,
        boolean sharedNegatives,
        boolean queryEntityNegatives,
        float queryMargin,
        float relationPrediction,
        float dura) {

    public StepSettings {
        predicted = predicted.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(predicted));
        if (chunksPerStep < 1) {
            throw new IllegalArgumentException("chunksPerStep: " + chunksPerStep + " (expected >= 1)");
        }
    }

    /** A step per chunk. */
    public StepSettings(Comparator comparator, Loss loss, float margin, boolean batchNegatives, Set<Side> predicted,
                        float n3, float learningRate, float relationLearningRate, float maxNorm) {
        this(comparator, loss, margin, batchNegatives, predicted, n3, learningRate, relationLearningRate, maxNorm, 1, false, false, 0f, 0f, 0f);
    }

    /** Whether the step trains the prediction of side {@code side} (corrupts that side with negatives). */
    public boolean predicts(Side side) {
        return predicted.contains(side);
    }

    public static StepSettings of(ModelConfig model, TrainingConfig training) {
        NegativesConfig neg = training.negatives();
        return new StepSettings(
                Comparator.of(model.comparator()),
                Loss.of(training.loss()),
                (float) training.margin(),
                neg.batch() && !neg.all(),
                predicted(neg),
                model.regularizer() == RegularizerType.N3 ? (float) model.regularization() : 0f,
                (float) training.learningRate(),
                (float) training.relationLearningRate(),
                model.maxNorm().map(Double::floatValue).orElse(0f),
                training.chunksPerStep(),
                neg.shared(),
                neg.queryEntity(),
                (float) neg.queryMargin(),
                (float) training.relationPrediction(),
                model.regularizer() == RegularizerType.DURA ? (float) model.regularization() : 0f);
    }

    /** The sides the config's negatives corrupt ({@code training.negatives.lhs}, {@code .rhs}). */
    private static Set<Side> predicted(NegativesConfig neg) {
        EnumSet<Side> sides = EnumSet.noneOf(Side.class);
        if (neg.lhs()) {
            sides.add(Side.LHS);
        }
        if (neg.rhs()) {
            sides.add(Side.RHS);
        }
        return sides;
    }
}
