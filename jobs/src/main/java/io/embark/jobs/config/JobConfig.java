package io.embark.jobs.config;

import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.TrainingConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole job configuration, one record per section. Every command loads all sections, so a misspelt key is
 * reported whichever command runs.
 *
 * @param workspace where the stages keep their outputs: {@code WORKSPACE/graph} is the imported dataset
 * @param stages    the stages {@code embark pipeline} runs ({@code pipeline.stages})
 * @param data      edge inputs (absent when the config only generates)
 * @param graph     schema
 * @param importing import options
 * @param generate  synthetic graph options
 * @param model     the embedding model (operators, comparator, dimension, regularization)
 * @param training  the optimizer, negatives, epochs and threads
 * @param validation evaluation during training ({@code training.eval.*})
 * @param checkpoints what train does with checkpoints it cannot resume ({@code training.overwrite})
 * @param eval      link-prediction evaluation
 * @param distributed training across Spark executors (absent: train on the driver)
 * @param export    embedding export
 * @param neighbors nearest-neighbour queries
 * @param progress  how often long stages log their progress
 * @param tune      the hyperparameter search of {@code embark tune}
 * @param localPathsShared {@code paths.localIsShared}: local ({@code file:}) paths are on a file system every executor
 *                  mounts at the same place (NFS), so a cluster may use them (see {@link DriverPaths})
 * @param spark     Spark properties given in the config ({@code spark.*} keys)
 * @param asStrings the flat config, stored in manifests and checkpoints
 */
public record JobConfig(
        String workspace,
        List<String> stages,
        Optional<DataConfig> data,
        GraphConfig graph,
        ImportConfig importing,
        GenerateConfig generate,
        ModelConfig model,
        TrainingConfig training,
        ValidationConfig validation,
        CheckpointsConfig checkpoints,
        EvalConfig eval,
        Optional<DistributedConfig> distributed,
        ExportConfig export,
        NeighborsConfig neighbors,
        ProgressConfig progress,
        TuneConfig tune,
        boolean localPathsShared,
        Map<String, String> spark,
        Map<String, String> asStrings) {

    public static JobConfig read(ConfigReader c) {
        String workspace = c.path("workspace", "work");
        Optional<DataConfig> data = DataConfig.read(c);
        JobConfig job = new JobConfig(workspace, c.list("pipeline.stages"), data, GraphConfig.read(c), ImportConfig.read(c), GenerateConfig.read(c, workspace),
                ModelSection.read(c), TrainingSection.read(c), ValidationConfig.read(c), CheckpointsConfig.read(c), EvalConfig.read(c), DistributedConfig.read(c),
                ExportConfig.read(c, workspace), NeighborsConfig.read(c), ProgressConfig.read(c), TuneConfig.read(c, workspace), c.bool("paths.localIsShared", false), c.sparkProperties(),
                c.asStrings());
        job.tune().requireKnownKeys(c);
        c.finish();
        return job;
    }

    /** The data section, or an error saying the command needs it. */
    public DataConfig requireData(String command) {
        return data.orElseThrow(() -> new ConfigException("data.train: missing (the " + command + " command needs the edge inputs)"));
    }

    /** Where train writes versioned checkpoints. */
    public String checkpointDir() {
        return workspace + "/checkpoints";
    }

    /** The imported dataset's directory. */
    public String graphDir() {
        return workspace + "/graph";
    }
}
