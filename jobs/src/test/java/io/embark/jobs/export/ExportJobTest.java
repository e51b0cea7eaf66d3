package io.embark.jobs.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embark.embedding.eval.TrainedModel;
import io.embark.embedding.model.RelationParameters;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.embedding.storage.EmbeddingTable;
import io.embark.jobs.TrainedWorkspace;
import io.embark.jobs.config.ConfigException;
import io.embark.jobs.config.JobConfig;
import io.embark.partitioning.ImportedGraph;
import io.embark.partitioning.NameCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Export round trip: what Spark reads back from the Parquet, and what the TSV holds, equals the checkpoint exactly. */
@Timeout(600)
class ExportJobTest {

    @TempDir
    Path out;

    private static TrainedModel model(int version) throws Exception {
        Path ws = TrainedWorkspace.dir();
        FileSystem fs = FileSystem.getLocal(new Configuration());
        return TrainedModel.version(new CheckpointStore(fs, new org.apache.hadoop.fs.Path(ws.resolve("checkpoints").toString())), version);
    }

    private static ImportedGraph graph() throws Exception {
        return ImportedGraph.open(FileSystem.getLocal(new Configuration()),
                new org.apache.hadoop.fs.Path(TrainedWorkspace.dir().resolve("graph").toString()));
    }

    @Test
    void parquet_and_tsv_hold_exactly_the_checkpoint_vectors() throws Exception {
        Path target = out.resolve("export");
        ExportJob.run(TrainedWorkspace.spark(), TrainedWorkspace.config("export.output=" + target));
        TrainedModel model = model(2);
        ImportedGraph graph = graph();

        List<Row> rows = TrainedWorkspace.spark().read().parquet(target.resolve("entities.parquet").toString()).collectAsList();
        assertEquals(graph.manifest().entityType("node").count(), rows.size());
        Set<String> names = new HashSet<>();
        for (Row r : rows) {
            assertEquals("node", r.getString(r.fieldIndex("entity_type")));
            int p = r.getInt(r.fieldIndex("partition"));
            int offset = r.getInt(r.fieldIndex("offset"));
            EmbeddingTable t = model.table("node", p);
            assertEquals(graph.entityNames("node", p).get(offset), r.getString(r.fieldIndex("name")));
            List<Float> v = r.getList(r.fieldIndex("vector"));
            assertEquals(t.dim(), v.size());
            for (int k = 0; k < t.dim(); k++) {
                assertEquals(Float.floatToIntBits(t.segmentData(0)[offset * t.dim() + k]), Float.floatToIntBits(v.get(k)), "row " + offset + " of " + p);
            }
            names.add(r.getString(r.fieldIndex("name")));
        }
        assertEquals(rows.size(), names.size(), "every entity once");

        for (int p = 0; p < 2; p++) {
            List<String> lines = Files.readAllLines(target.resolve("entities/node/part-0000" + p + ".tsv"), StandardCharsets.UTF_8);
            EmbeddingTable t = model.table("node", p);
            assertEquals(t.rows(), lines.size());
            for (int j = 0; j < lines.size(); j++) {
                String[] f = lines.get(j).split("\t");
                assertEquals(graph.entityNames("node", p).get(j), NameCodec.decode(f[0]));
                assertEquals(t.dim() + 1, f.length);
                for (int k = 0; k < t.dim(); k++) {
                    assertEquals(Float.floatToIntBits(t.segmentData(0)[j * t.dim() + k]), Float.floatToIntBits(Float.parseFloat(f[k + 1])));
                }
            }
        }

        RelationParameters rp = model.relations();
        List<Row> rel = TrainedWorkspace.spark().read().parquet(target.resolve("relations.parquet").toString()).collectAsList();
        assertEquals(rp.count() * 2, rel.size(), "reciprocal: one row per relation and side");
        for (Row r : rel) {
            int id = r.getInt(r.fieldIndex("relation"));
            int slot = r.getString(r.fieldIndex("side")).equals("rhs") ? RelationParameters.RHS_SLOT : RelationParameters.LHS_SLOT;
            assertEquals("complex_diagonal", r.getString(r.fieldIndex("operator")));
            List<Float> v = r.getList(r.fieldIndex("parameters"));
            float[] expected = rp.params(id, slot);
            assertEquals(expected.length, v.size());
            for (int k = 0; k < expected.length; k++) {
                assertEquals(Float.floatToIntBits(expected[k]), Float.floatToIntBits(v.get(k)));
            }
        }
        assertEquals(rp.count() * 2, Files.readAllLines(target.resolve("relations.tsv")).size());
        assertTrue(Files.readString(target.resolve("export.json")).contains("\"checkpoint_version\" : 2"));
        try (var s = Files.list(out)) {
            assertEquals(List.of(target), s.toList(), "no temporary directory left behind");
        }
    }

    @Test
    void an_older_version_exports_its_own_vectors() throws Exception {
        Path target = out.resolve("v1");
        ExportJob.run(TrainedWorkspace.spark(), TrainedWorkspace.config("export.output=" + target, "export.version=1",
                "export.formats=tsv"));
        EmbeddingTable t1 = model(1).table("node", 1);
        EmbeddingTable t2 = model(2).table("node", 1);
        String first = Files.readAllLines(target.resolve("entities/node/part-00001.tsv")).get(0);
        float v = Float.parseFloat(first.split("\t")[1]);
        assertEquals(t1.segmentData(0)[0], v);
        assertFalse(t1.segmentData(0)[0] == t2.segmentData(0)[0], "the two versions differ, so the test tells them apart");
        assertFalse(Files.exists(target.resolve("entities.parquet")), "only the formats asked for");
    }

    @Test
    void a_missing_version_and_an_existing_output_are_refused_by_key() throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> ExportJob.run(TrainedWorkspace.spark(),
                TrainedWorkspace.config("export.output=" + out.resolve("x"), "export.version=9")));
        assertTrue(e.getMessage().startsWith("export.version: 9"), e.getMessage());
        assertTrue(e.getMessage().contains("[1, 2]"), e.getMessage());

        JobConfig job = TrainedWorkspace.config("export.output=" + out.resolve("twice"), "export.formats=tsv");
        ExportJob.run(TrainedWorkspace.spark(), job);
        Exception again = assertThrows(java.io.IOException.class, () -> ExportJob.run(TrainedWorkspace.spark(), job));
        assertTrue(again.getMessage().contains("export.overwrite"), again.getMessage());
        ExportJob.run(TrainedWorkspace.spark(), TrainedWorkspace.config("export.output=" + out.resolve("twice"), "export.formats=tsv",
                "export.overwrite=true"));
    }
}
