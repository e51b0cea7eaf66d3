package io.embark.jobs.export;

import io.embark.embedding.eval.Neighbors;
import io.embark.embedding.eval.TrainedModel;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.jobs.config.ConfigException;
import io.embark.jobs.config.JobConfig;
import io.embark.jobs.config.NeighborsConfig;
import io.embark.jobs.eval.Checkpoints;
import io.embark.partitioning.ImportManifest;
import io.embark.partitioning.ImportedGraph;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code neighbors} command: with {@code neighbors.relation}, the {@code neighbors.k} likeliest tails of
 * ({@code neighbors.entity}, relation, ?) under the model's operator and comparator; without, the k entities of the
 * same type most cosine-similar to it. One query, answered on the driver by {@link Neighbors} (a pass over the
 * candidate type's embeddings); the answer is printed as a table.
 */
public final class NeighborsJob {

    private static final Logger LOG = LoggerFactory.getLogger(NeighborsJob.class);

    private NeighborsJob() {
    }

    public static List<Neighbors.Neighbor> run(Configuration conf, JobConfig job) throws IOException {
        NeighborsConfig n = job.neighbors();
        String entity = n.requireEntity();
        Path graphDir = new Path(job.graphDir());
        ImportedGraph graph = ImportedGraph.open(graphDir.getFileSystem(conf), graphDir);
        Path ckpt = new Path(job.checkpointDir());
        TrainedModel model = Checkpoints.open(new CheckpointStore(ckpt.getFileSystem(conf), ckpt), n.version(), "neighbors.version");
        Neighbors neighbors = new Neighbors(graph, model);
        List<Neighbors.Neighbor> answer;
        String question;
        try {
            if (n.relation().isPresent()) {
                answer = neighbors.tails(entity, n.relation().get(), n.k());
                question = "likeliest tails of (" + entity + ", " + n.relation().get() + ", ?)";
            } else {
                String type = n.entityType().orElseGet(() -> onlyType(graph));
                answer = neighbors.similar(type, entity, n.k());
                question = "entities most similar to " + entity + " (cosine)";
            }
        } catch (Neighbors.UnknownName e) {
            throw new ConfigException("neighbors." + e.field() + ": " + e.getMessage());
        }
        LOG.info("{}, checkpoint v{}:", question, String.format("%08d", model.version()));
        LOG.info(String.format("  %4s  %10s  %s", "rank", "score", "entity"));
        for (int i = 0; i < answer.size(); i++) {
            LOG.info(String.format("  %4d  %10.4f  %s", i + 1, answer.get(i).score(), answer.get(i).name()));
        }
        return answer;
    }

    private static String onlyType(ImportedGraph graph) {
        List<String> types = graph.manifest().entityTypes().stream().map(ImportManifest.EntityTypeInfo::name).toList();
        if (types.size() != 1) {
            throw new ConfigException("neighbors.entityType: missing (the dataset has entity types " + types + "; expected one of them)");
        }
        return types.get(0);
    }
}
