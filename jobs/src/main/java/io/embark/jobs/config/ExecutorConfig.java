package io.embark.jobs.config;

import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.TrainingConfig;
import java.util.HashMap;
import java.util.Map;

/**
 * The model, training and progress sections rebuilt on an executor from the flat config the driver validated
 * ({@link JobConfig#asStrings()}): Spark ships that map with the task, and the executor reads it exactly as the
 * driver did.
 */
public final class ExecutorConfig {

    private ExecutorConfig() {
    }

    public static ModelConfig model(Map<String, String> flat) {
        return ModelSection.read(reader(flat));
    }

    public static TrainingConfig training(Map<String, String> flat) {
        return TrainingSection.read(reader(flat));
    }

    public static ProgressConfig progress(Map<String, String> flat) {
        return ProgressConfig.read(reader(flat));
    }

    private static ConfigReader reader(Map<String, String> flat) {
        return new ConfigReader(new HashMap<>(flat), "the job config shipped with the task");
    }
}
