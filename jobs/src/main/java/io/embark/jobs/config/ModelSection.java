package io.embark.jobs.config;

import io.embark.embedding.config.ComparatorType;
import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.OperatorType;
import io.embark.embedding.config.RegularizerType;
import io.embark.embedding.config.RelationConfig;
import io.embark.embedding.config.RelationInit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Section {@code model}: maps the config keys onto the embedding module's {@link ModelConfig}. Dimensions per entity
 * type under {@code model.typeDimensions.TYPE}; per-relation operator overrides under {@code model.relations.NAME}.
 */
final class ModelSection {

    private ModelSection() {
    }

    static ModelConfig read(ConfigReader c) {
        Map<String, Integer> typeDims = new LinkedHashMap<>();
        for (String t : c.childNames("model.typeDimensions")) {
            typeDims.put(t, c.integer("model.typeDimensions." + t, 1, 1, 1 << 16));
        }
        RelationConfig relation = relation(c, "model.relation", RelationConfig.of(OperatorType.NONE));
        Map<String, RelationConfig> relations = new LinkedHashMap<>();
        for (String r : c.childNames("model.relations")) {
            relations.put(r, relation(c, "model.relations." + r, relation));
        }
        Optional<String> maxNorm = c.optionalString("model.maxNorm").filter(s -> !s.equals("none"));
        try {
            return new ModelConfig(
                    c.integer("model.dimension", 100, 1, 1 << 16),
                    typeDims,
                    c.choice("model.comparator", ComparatorType.class, ComparatorType.DOT),
                    relation,
                    relations,
                    c.bool("model.reciprocal", false),
                    c.doubleValue("model.initScale", 1e-3, Double.MIN_VALUE, Double.MAX_VALUE),
                    maxNorm.map(s -> c.doubleValue("model.maxNorm", 0, Double.MIN_VALUE, Double.MAX_VALUE)),
                    c.choice("model.regularizer", RegularizerType.class, RegularizerType.NONE),
                    c.doubleValue("model.regularization", 0, 0, Double.MAX_VALUE));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    private static RelationConfig relation(ConfigReader c, String prefix, RelationConfig defaults) {
        try {
            return new RelationConfig(
                    c.choice(prefix + ".operator", OperatorType.class, defaults.operator()),
                    c.doubleValue(prefix + ".weight", defaults.weight(), Double.MIN_VALUE, Double.MAX_VALUE),
                    c.choice(prefix + ".init", RelationInit.class, defaults.init()));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }
}
