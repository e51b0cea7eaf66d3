package io.embark.jobs.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embark.partitioning.Bucket;
import io.embark.partitioning.EdgeBlock;
import io.embark.partitioning.ImportManifest;
import io.embark.partitioning.ImportedGraph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Imports the real FB15k-237 from ../shared/datasets (run by scripts/test when the datasets are present). */
@Tag("datasets")
@Timeout(600)
class Fb15kImportTest {

    @TempDir
    Path dir;

    @Test
    void fb15k_237_with_4_partitions_puts_every_edge_in_exactly_one_bucket() throws Exception {
        Path data = Path.of(System.getProperty("embark.repo.root", ".")).resolve("../shared/datasets/fb15k-237").normalize();
        assertTrue(Files.isDirectory(data), "FB15k-237 expected at " + data);
        Path conf = Path.of(System.getProperty("embark.repo.root", ".")).resolve("conf/fb15k-237.conf");
        String text = Files.readString(conf).replace("../shared/datasets/fb15k-237", data.toString());
        ImportManifest m = ImportJob.run(SparkTestSupport.spark(), SparkTestSupport.config(text,
                "workspace=" + dir, "graph.entities.entity.partitions=4"));
        assertEquals(14_505, m.entityType("entity").count());
        assertEquals(237, m.relations().size());
        assertEquals(272_115, m.split("train").edges());
        assertEquals(0, m.split("train").badLinesSkipped());
        assertEquals(37, m.split("valid").unknownEntityEdges() + m.split("test").unknownEntityEdges(),
                "the 37 valid/test triples with an entity absent from train are counted");
        assertEquals(17_535, m.split("valid").edges() + m.split("valid").unknownEntityEdges());
        assertEquals(20_466, m.split("test").edges() + m.split("test").unknownEntityEdges());

        ImportedGraph g = ImportedGraph.open(FileSystem.getLocal(new Configuration()), new org.apache.hadoop.fs.Path(dir + "/graph"));
        List<List<String>> names = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            names.add(g.entityNames("entity", p));
        }
        List<String> rels = g.relationNames();
        List<String> back = new ArrayList<>(272_115);
        assertEquals(16, g.nonEmptyBuckets("train").size());
        for (Bucket b : g.nonEmptyBuckets("train")) {
            EdgeBlock block = g.readBucket("train", b);
            for (int i = 0; i < block.size(); i++) {
                back.add(names.get(b.lhsPartition()).get(block.lhs(i)) + "\t" + rels.get(block.relation(i)) + "\t"
                        + names.get(b.rhsPartition()).get(block.rhs(i)));
            }
        }
        List<String> expected = Files.readAllLines(data.resolve("train.txt"));
        String[] a = back.toArray(new String[0]);
        String[] e = expected.toArray(new String[0]);
        Arrays.sort(a);
        Arrays.sort(e);
        assertTrue(Arrays.equals(e, a), "the buckets hold exactly the train triples, each once");
    }
}
