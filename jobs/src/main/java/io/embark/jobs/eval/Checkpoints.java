package io.embark.jobs.eval;

import io.embark.embedding.eval.TrainedModel;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.jobs.config.ConfigException;
import io.embark.jobs.config.JobConfig;
import java.io.IOException;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/** Opens the checkpoint a command asks for; a version that does not exist is a config error naming the key. */
public final class Checkpoints {

    private Checkpoints() {
    }

    public static CheckpointStore store(Configuration conf, JobConfig job) throws IOException {
        Path ckpt = new Path(job.checkpointDir());
        return new CheckpointStore(ckpt.getFileSystem(conf), ckpt);
    }

    /** {@code version} (empty: the newest) of {@code store}; {@code key} is the config key it came from. */
    public static TrainedModel open(CheckpointStore store, Optional<Integer> version, String key) throws IOException {
        try {
            return TrainedModel.open(store, version, key);
        } catch (TrainedModel.MissingCheckpointException e) {
            throw new ConfigException(e.getMessage());
        }
    }
}
