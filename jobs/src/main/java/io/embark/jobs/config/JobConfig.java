package io.embark.jobs.config;

import java.util.Map;
import java.util.Optional;

/**
 * The whole job configuration, one record per section. Every command loads all sections, so a misspelt key is
 * reported whichever command runs.
 *
 * @param workspace where the stages keep their outputs: {@code WORKSPACE/graph} is the imported dataset
 * @param data      edge inputs (absent when the config only generates)
 * @param graph     schema
 * @param importing import options
 * @param generate  synthetic graph options
 * @param spark     Spark properties given in the config ({@code spark.*} keys)
 * @param asStrings the flat config, stored in manifests and checkpoints
 */
public record JobConfig(
        String workspace,
        Optional<DataConfig> data,
        GraphConfig graph,
        ImportConfig importing,
        GenerateConfig generate,
        Map<String, String> spark,
        Map<String, String> asStrings) {

    public static JobConfig read(ConfigReader c) {
        String workspace = c.string("workspace", "work");
        Optional<DataConfig> data = DataConfig.read(c);
        JobConfig job = new JobConfig(workspace, data, GraphConfig.read(c), ImportConfig.read(c), GenerateConfig.read(c),
                c.sparkProperties(), c.asStrings());
        c.finish();
        return job;
    }

    /** The data section, or an error saying the command needs it. */
    public DataConfig requireData(String command) {
        return data.orElseThrow(() -> new ConfigException("data.train: missing (the " + command + " command needs the edge inputs)"));
    }

    /** The imported dataset's directory. */
    public String graphDir() {
        return workspace + "/graph";
    }
}
