package io.embark.jobs.eval;

import io.embark.embedding.eval.TrainedModel;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.embedding.storage.DamagedCheckpointException;
import io.embark.jobs.config.ConfigException;
import io.embark.jobs.config.JobConfig;
import java.io.IOException;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Opens the checkpoint a command asks for; a version that does not exist is a config error naming the key, and a
 * version with a file that does not verify is refused naming the file and the older version the key could name
 * instead.
 */
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
            return explainingDamage(store, key, OptionalInt.empty(), () -> TrainedModel.open(store, version, key));
        } catch (TrainedModel.MissingCheckpointException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /** Work that reads a checkpoint, on the driver or in Spark tasks. */
    @FunctionalInterface
    public interface CheckpointWork<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code work}, which reads checkpoint {@code version} (empty: the version is not known yet); when it fails on
     * a checkpoint file that does not verify (on the driver or in a Spark task: {@link CheckpointStore#damageBehind}),
     * refuses with that file and the newest older version that verifies, as the value to give {@code key}.
     */
    public static <T> T explainingDamage(CheckpointStore store, String key, OptionalInt version, CheckpointWork<T> work)
            throws IOException {
        try {
            return work.run();
        } catch (Exception e) { // also SparkException, which Scala throws undeclared
            Optional<DamagedCheckpointException> damage = store.damageBehind(e, version, v -> "set " + key + " = " + v + " to use it");
            if (damage.isPresent()) {
                throw damage.get();
            }
            throw e;
        }
    }
}
