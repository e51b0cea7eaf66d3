package io.embark.embedding.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.embark.embedding.kernel.StepKernel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The config records travel to Spark executors by Java serialization (a training task carries them): what arrives
 * equals what the driver validated, optional values and per-relation maps included.
 */
class ConfigSerializationTest {

    @Test
    void modelAndTrainingConfigsArriveAsTheyLeft() throws Exception {
        ModelConfig model = new ModelConfig(8, Map.of("user", 4), ComparatorType.COS, RelationConfig.of(OperatorType.DIAGONAL),
                Map.of("follows", new RelationConfig(OperatorType.TRANSLATION, 0.5, RelationInit.IDENTITY)), false, 0.01, Optional.of(2.5),
                RegularizerType.N3, 0.001);
        TrainingConfig training = TrainingConfig.defaults(3, NegativesConfig.pbg(20, 10).withShared(true))
                .withKernel(StepKernel.ND4J).withBatchSize(40).withAdagrad(AdagradMode.ELEMENTWISE);
        assertEquals(model, roundTrip(model));
        assertEquals(training, roundTrip(training));
        ModelConfig noMaxNorm = ModelConfig.simple(4, OperatorType.NONE, ComparatorType.DOT, true);
        assertEquals(noMaxNorm, roundTrip(noMaxNorm));
    }

    private static Object roundTrip(Object o) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return in.readObject();
        }
    }
}
