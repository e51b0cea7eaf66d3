package io.embark.jobs.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.embark.embedding.eval.Neighbors;
import io.embark.embedding.eval.TrainedModel;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.jobs.StageOutput;
import io.embark.jobs.config.ConfigException;
import io.embark.jobs.config.JobConfig;
import io.embark.jobs.config.NeighborsConfig;
import io.embark.jobs.eval.Checkpoints;
import io.embark.partitioning.ImportManifest;
import io.embark.partitioning.ImportedGraph;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The {@code neighbors} command: with {@code neighbors.relation}, the {@code neighbors.k} likeliest tails of
 * ({@code neighbors.entity}, relation, ?) under the model's operator and comparator; without, the k entities of the
 * same type most cosine-similar to it. One query, answered on the driver by {@link Neighbors} (a pass over the
 * candidate type's embeddings); the command line prints the answer as a table on stdout (JSON with {@code --json}).
 */
public final class NeighborsJob {

    private NeighborsJob() {
    }

    /** Answers the configured question: the neighbours, best first. */
    public static List<Neighbors.Neighbor> run(Configuration conf, JobConfig job) throws IOException {
        return ask(conf, job).neighbors();
    }

    /** A question, the checkpoint version that answered it, and the answer, best first. */
    public record Answer(String question, int version, List<Neighbors.Neighbor> neighbors) {

        /** A table for people, and JSON ({@code question, checkpoint_version, neighbors: [{rank, score, entity_type, name}]}). */
        public StageOutput output() {
            StringBuilder t = new StringBuilder(String.format("%s, checkpoint v%08d:%n", question, version));
            t.append(String.format("  %4s  %10s  %s%n", "rank", "score", "entity"));
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int i = 0; i < neighbors.size(); i++) {
                Neighbors.Neighbor n = neighbors.get(i);
                t.append(String.format("  %4d  %10.4f  %s%n", i + 1, n.score(), n.name()));
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("rank", i + 1);
                row.put("score", n.score());
                row.put("entity_type", n.entityType());
                row.put("name", n.name());
                rows.add(row);
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("question", question);
            json.put("checkpoint_version", version);
            json.put("neighbors", rows);
            try {
                return new StageOutput(t.toString().stripTrailing(),
                        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Answers the configured question ({@code neighbors.*}) from a checkpoint. */
    public static Answer ask(Configuration conf, JobConfig job) throws IOException {
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
                answer = neighbors.tails(entity, n.relation().get(), n.k(), n.includeSelf());
                question = "likeliest tails of (" + entity + ", " + n.relation().get() + ", ?)";
            } else {
                String type = n.entityType().orElseGet(() -> onlyType(graph));
                answer = neighbors.similar(type, entity, n.k());
                question = "entities most similar to " + entity + " (cosine)";
            }
        } catch (Neighbors.UnknownName e) {
            throw new ConfigException("neighbors." + e.field() + ": " + e.getMessage());
        }
        return new Answer(question, model.version(), answer);
    }

    private static String onlyType(ImportedGraph graph) {
        List<String> types = graph.manifest().entityTypes().stream().map(ImportManifest.EntityTypeInfo::name).toList();
        if (types.size() != 1) {
            throw new ConfigException("neighbors.entityType: missing (the dataset has entity types " + types + "; expected one of them)");
        }
        return types.get(0);
    }
}
