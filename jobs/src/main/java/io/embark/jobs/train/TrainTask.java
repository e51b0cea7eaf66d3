package io.embark.jobs.train;

import io.embark.allreduce.Communicator;
import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.embedding.train.DistributedEpoch;
import io.embark.embedding.train.StepWarmup;
import io.embark.embedding.train.TrainingLoop;
import io.embark.embedding.train.WorkerGroup;
import io.embark.embedding.train.WorkerResult;
import io.embark.jobs.config.DistributedConfig;
import io.embark.jobs.config.JobConfig;
import io.embark.jobs.config.ProgressConfig;
import io.embark.jobs.imports.HadoopConf;
import io.embark.partitioning.ImportedGraph;
import java.io.IOException;
import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.BarrierTaskContext;

/**
 * One task of an epoch's barrier stage: joins the other tasks ({@link BarrierRendezvous}), trains this worker's share
 * of the epoch (the one {@link TrainingLoop}) into the attempt directory of the stage attempt it runs in, and returns
 * its {@link WorkerResult}, marked with that attempt. Shipped to executors by Java serialization, with the config
 * sections as the typed records the driver validated (nothing is re-parsed on the executor).
 */
final class TrainTask implements Serializable {

    private static final long serialVersionUID = 2L;

    private final HadoopConf hadoop;
    private final String graphDir;
    private final String checkpointDir;
    private final String versionDir;
    private final Integer previous;
    private final int epoch;
    private final long syncEdges;
    private final ModelConfig model;
    private final TrainingConfig training;
    private final ProgressConfig progress;
    private final DistributedConfig distributed;
    private final byte[] secret;

    TrainTask(HadoopConf hadoop, String graphDir, String checkpointDir, String versionDir, Optional<Integer> previous,
              int epoch, long syncEdges, JobConfig job, byte[] secret) {
        this.hadoop = hadoop;
        this.graphDir = graphDir;
        this.checkpointDir = checkpointDir;
        this.versionDir = versionDir;
        this.previous = previous.orElse(null);
        this.epoch = epoch;
        this.syncEdges = syncEdges;
        this.model = job.model();
        this.training = job.training();
        this.progress = job.progress();
        this.distributed = job.distributed().orElseThrow();
        this.secret = secret.clone();
    }

    Iterator<WorkerResult> run(Iterator<Integer> ignored) throws IOException {
        BarrierTaskContext ctx = BarrierTaskContext.get();
        int attempt = ctx.stageAttemptNumber();
        Configuration conf = hadoop.get();
        Path graphPath = new Path(graphDir);
        ImportedGraph graph = ImportedGraph.open(graphPath.getFileSystem(conf), graphPath);
        // the executor's first epoch compiles the step while it meets its peers and loads its tables
        StepWarmup.begin(model, training, graph.manifest().lhsPartitions() > 1 || graph.manifest().rhsPartitions() > 1);
        Path ckpt = new Path(checkpointDir);
        CheckpointStore checkpoints = new CheckpointStore(ckpt.getFileSystem(conf), ckpt);
        Optional<Integer> prev = Optional.ofNullable(previous);
        Path attemptDir = DistributedEpoch.attemptDir(new Path(versionDir), attempt);
        try (Communicator comm = BarrierRendezvous.connect(ctx, distributed, secret)) {
            WorkerResult r = DistributedEpoch.trainWorker(graph, model, training, checkpoints, attemptDir, prev, epoch, syncEdges,
                    WorkerGroup.over(comm), progress.log());
            return List.of(r.withAttempt(attempt)).iterator();
        }
    }
}
