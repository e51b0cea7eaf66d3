package io.embark.jobs.config;

import java.io.Serializable;
import java.util.List;

/**
 * One dimension of {@code tune}'s search space ({@code tune.space.KEY.log | range | choice}): the training or model
 * key it sets, and the values it draws from. Every trial's config is the base config with one value per dimension set
 * on top, validated as any config is.
 */
public sealed interface SearchDimension extends Serializable permits SearchDimension.Range, SearchDimension.Choice {

    /** The config key this dimension sets, e.g. {@code training.learningRate}. */
    String key();

    /** How a numeric range is spread: evenly ({@code range}) or evenly in its logarithm ({@code log}). */
    enum Scale {
        LINEAR, LOG
    }

    /**
     * A numeric range, both ends included: {@code tune.space.training.learningRate.log = [0.01, 1]}. When both ends are
     * written as integers ({@code [1, 64]}) every value drawn is an integer.
     */
    record Range(String key, double low, double high, Scale scale, boolean integer) implements SearchDimension {

        public Range {
            if (!(low <= high) || scale == Scale.LOG && !(low > 0)) {
                throw new IllegalArgumentException(key + ": [" + low + ", " + high + "]");
            }
        }
    }

    /** A list of values, each tried equally often: {@code tune.space.model.relation.operator.choice = [diagonal, complex_diagonal]}. */
    record Choice(String key, List<String> values) implements SearchDimension {

        public Choice {
            values = List.copyOf(values);
        }
    }
}
