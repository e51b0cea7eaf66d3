package io.embark.jobs.eval;

import io.embark.embedding.eval.TrainedModel;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.jobs.config.JobConfig;
import io.embark.jobs.imports.HadoopConf;
import io.embark.partitioning.ImportedGraph;
import java.io.IOException;
import java.io.Serializable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * What a Spark task needs to open the imported dataset and one checkpoint version itself, through the Hadoop
 * FileSystem API with the driver's Hadoop settings: a few strings, so nothing large travels from the driver.
 */
public final class TaskInputs implements Serializable {

    private static final long serialVersionUID = 1L;

    private final HadoopConf conf;
    private final String graphDir;
    private final String checkpointDir;
    private final int version;

    private TaskInputs(HadoopConf conf, String graphDir, String checkpointDir, int version) {
        this.conf = conf;
        this.graphDir = graphDir;
        this.checkpointDir = checkpointDir;
        this.version = version;
    }

    public static TaskInputs of(Configuration conf, JobConfig job, int version) {
        return new TaskInputs(HadoopConf.of(conf), job.graphDir(), job.checkpointDir(), version);
    }

    public Configuration hadoopConf() {
        return conf.get();
    }

    public int version() {
        return version;
    }

    public ImportedGraph graph() throws IOException {
        Path g = new Path(graphDir);
        return ImportedGraph.open(g.getFileSystem(conf.get()), g);
    }

    public CheckpointStore store() throws IOException {
        Path c = new Path(checkpointDir);
        return new CheckpointStore(c.getFileSystem(conf.get()), c);
    }

    public TrainedModel model() throws IOException {
        return TrainedModel.version(store(), version);
    }
}
