package io.embark.jobs.train;

import io.embark.allreduce.Communicator;
import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.embedding.train.DistributedEpoch;
import io.embark.embedding.train.TrainingLoop;
import io.embark.embedding.train.WorkerGroup;
import io.embark.embedding.train.WorkerResult;
import io.embark.jobs.config.DistributedConfig;
import io.embark.jobs.config.ExecutorConfig;
import io.embark.jobs.imports.HadoopConf;
import io.embark.partitioning.ImportedGraph;
import java.io.IOException;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.BarrierTaskContext;

/**
 * One task of an epoch's barrier stage: joins the other tasks ({@link BarrierRendezvous}), trains this worker's share
 * of the epoch (the one {@link TrainingLoop}) into the attempt directory of the stage attempt it runs in, and returns
 * its {@link WorkerResult}, marked with that attempt. Shipped to executors by Java serialization: it holds only
 * strings, numbers and the flat config.
 */
final class TrainTask implements Serializable {

    private static final long serialVersionUID = 1L;

    private final HadoopConf hadoop;
    private final String graphDir;
    private final String checkpointDir;
    private final String versionDir;
    private final Integer previous;
    private final int epoch;
    private final long syncEdges;
    private final HashMap<String, String> config;
    private final DistributedSettings distributed;
    private final byte[] secret;

    /** The distributed section, as plain serializable fields. */
    record DistributedSettings(int timeoutSeconds, String bindAddress, Integer port) implements Serializable {
        DistributedConfig toConfig(int workers) {
            return new DistributedConfig(workers, 1, false, 1, timeoutSeconds, Optional.ofNullable(bindAddress),
                    Optional.ofNullable(port), 0);
        }
    }

    TrainTask(HadoopConf hadoop, String graphDir, String checkpointDir, String versionDir, Optional<Integer> previous,
              int epoch, long syncEdges, Map<String, String> config, DistributedConfig distributed, byte[] secret) {
        this.hadoop = hadoop;
        this.graphDir = graphDir;
        this.checkpointDir = checkpointDir;
        this.versionDir = versionDir;
        this.previous = previous.orElse(null);
        this.epoch = epoch;
        this.syncEdges = syncEdges;
        this.config = new HashMap<>(config);
        this.distributed = new DistributedSettings(distributed.timeoutSeconds(), distributed.bindAddress().orElse(null),
                distributed.port().orElse(null));
        this.secret = secret.clone();
    }

    Iterator<WorkerResult> run(Iterator<Integer> ignored) throws IOException {
        BarrierTaskContext ctx = BarrierTaskContext.get();
        int attempt = ctx.stageAttemptNumber();
        Configuration conf = hadoop.get();
        ModelConfig model = ExecutorConfig.model(config);
        TrainingConfig training = ExecutorConfig.training(config);
        Path graphPath = new Path(graphDir);
        ImportedGraph graph = ImportedGraph.open(graphPath.getFileSystem(conf), graphPath);
        Path ckpt = new Path(checkpointDir);
        CheckpointStore checkpoints = new CheckpointStore(ckpt.getFileSystem(conf), ckpt);
        Optional<Integer> prev = Optional.ofNullable(previous);
        Path attemptDir = DistributedEpoch.attemptDir(new Path(versionDir), attempt);
        try (Communicator comm = BarrierRendezvous.connect(ctx, distributed.toConfig(ctx.getTaskInfos().length), secret)) {
            WorkerResult r = DistributedEpoch.trainWorker(graph, model, training, checkpoints, attemptDir, prev, epoch, syncEdges,
                    WorkerGroup.over(comm), ExecutorConfig.progress(config).log());
            return List.of(r.withAttempt(attempt)).iterator();
        }
    }
}
