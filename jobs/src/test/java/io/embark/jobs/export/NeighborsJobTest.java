package io.embark.jobs.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embark.embedding.eval.Neighbors;
import io.embark.embedding.eval.TrainedModel;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.embedding.storage.EmbeddingTable;
import io.embark.jobs.TrainedWorkspace;
import io.embark.jobs.config.ConfigException;
import io.embark.partitioning.ImportedGraph;
import io.embark.partitioning.Side;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** neighbors answers what a brute force over every entity answers; bad names are errors naming the key. */
@Timeout(600)
class NeighborsJobTest {

    private record Scored(String name, double score) {
    }

    private static ImportedGraph graph() throws Exception {
        return ImportedGraph.open(FileSystem.getLocal(new Configuration()), new Path(TrainedWorkspace.dir().resolve("graph").toString()));
    }

    private static TrainedModel model() throws Exception {
        return TrainedModel.latest(new CheckpointStore(FileSystem.getLocal(new Configuration()),
                new Path(TrainedWorkspace.dir().resolve("checkpoints").toString())));
    }

    /** Every entity of type node with its score from {@code scorer(partition, offset)}, best first. */
    private static List<Scored> bruteForce(ImportedGraph graph, TrainedModel model, java.util.function.BiFunction<EmbeddingTable, Integer, Double> scorer)
            throws Exception {
        List<Scored> all = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            EmbeddingTable t = model.table("node", p);
            List<String> names = graph.entityNames("node", p);
            for (int j = 0; j < t.rows(); j++) {
                all.add(new Scored(names.get(j), scorer.apply(t, j)));
            }
        }
        all.sort(Comparator.comparingDouble(Scored::score).reversed());
        return all;
    }

    @Test
    void most_similar_entities_are_the_cosine_top_k() throws Exception {
        ImportedGraph graph = graph();
        TrainedModel model = model();
        String name = graph.entityNames("node", 1).get(3);
        List<Neighbors.Neighbor> got = NeighborsJob.run(new Configuration(),
                TrainedWorkspace.config("neighbors.entity=" + name, "neighbors.k=5"));
        float[] q = model.table("node", 1).row(3);
        List<Scored> expected = bruteForce(graph, model, (t, j) -> {
            double dot = 0;
            double qq = 0;
            double cc = 0;
            float[] row = t.row(j);
            for (int k = 0; k < t.dim(); k++) {
                float c = row[k];
                dot += q[k] * c;
                qq += q[k] * q[k];
                cc += c * c;
            }
            return dot / Math.sqrt(qq * cc);
        });
        expected.removeIf(s -> s.name().equals(name));
        assertEquals(5, got.size());
        for (int i = 0; i < 5; i++) {
            assertEquals(expected.get(i).name(), got.get(i).name(), "rank " + (i + 1));
            assertEquals(expected.get(i).score(), got.get(i).score(), 1e-4);
        }
    }

    @Test
    void likeliest_tails_use_the_operator_and_comparator_and_leave_out_the_head() throws Exception {
        ImportedGraph graph = graph();
        TrainedModel model = model();
        String head = graph.entityNames("node", 0).get(7);
        String relation = graph.relationNames().get(1);
        float[] q = new float[8];
        model.query(1, Side.RHS, model.table("node", 0).row(7), 0, q, 0);
        List<Scored> expected = bruteForce(graph, model, (t, j) -> (double) model.score(q, 0, t.data(j), t.dataOffset(j), t.dim()));
        // neighbors.includeSelf = true: exactly the brute force over every entity
        List<Neighbors.Neighbor> all = NeighborsJob.run(new Configuration(), TrainedWorkspace.config("neighbors.entity=" + head,
                "neighbors.relation=" + relation, "neighbors.k=4", "neighbors.includeSelf=true"));
        for (int i = 0; i < 4; i++) {
            assertEquals(expected.get(i).name(), all.get(i).name(), "rank " + (i + 1));
        }
        // the default: the same ranking without the head itself
        List<Neighbors.Neighbor> got = NeighborsJob.run(new Configuration(),
                TrainedWorkspace.config("neighbors.entity=" + head, "neighbors.relation=" + relation, "neighbors.k=4"));
        expected.removeIf(s -> s.name().equals(head));
        for (int i = 0; i < 4; i++) {
            assertEquals(expected.get(i).name(), got.get(i).name(), "rank " + (i + 1));
        }
    }

    @Test
    void unknown_names_are_errors_naming_the_key() throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> NeighborsJob.run(new Configuration(),
                TrainedWorkspace.config("neighbors.entity=no-such-node")));
        assertTrue(e.getMessage().startsWith("neighbors.entity: 'no-such-node' is not among the 300 entities"), e.getMessage());
        String someone = graph().entityNames("node", 0).get(0);
        e = assertThrows(ConfigException.class, () -> NeighborsJob.run(new Configuration(),
                TrainedWorkspace.config("neighbors.entity=" + someone, "neighbors.relation=nope")));
        assertTrue(e.getMessage().startsWith("neighbors.relation: 'nope'"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> NeighborsJob.run(new Configuration(), TrainedWorkspace.config()));
        assertTrue(e.getMessage().startsWith("neighbors.entity: missing"), e.getMessage());
    }
}
