package io.embark.jobs.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embark.partitioning.EntityType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.ShuffleDataBlockId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

@Timeout(300)
class DictionaryBuilderTest {

    @TempDir
    Path dir;

    /** The shuffles whose data files are on this (local-mode) block manager's disk. */
    private static Set<Integer> shufflesOnDisk() {
        Set<Integer> ids = new HashSet<>();
        for (BlockId b : CollectionConverters.asJava(SparkEnv.get().blockManager().diskBlockManager().getAllBlocks())) {
            if (b instanceof ShuffleDataBlockId s) {
                ids.add(s.shuffleId());
            }
        }
        return ids;
    }

    /**
     * At a billion edges the name shuffle is tens of GB: the dictionary must not keep it alive (a persisted dataset
     * would, through its lineage) while the edges' own shuffles need the disk.
     */
    @Test
    void the_name_shuffle_is_deleted_once_the_dictionary_is_written() throws Exception {
        SparkSession spark = SparkTestSupport.spark();
        List<Row> edges = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            edges.add(edge(0, "n" + i, "r", 0, "n" + ((i * 7 + 3) % 2000)));
        }
        JavaRDD<Row> good = spark.createDataFrame(edges, RawEdges.SCHEMA).repartition(4).javaRDD();
        Set<Integer> before = shufflesOnDisk();
        DictionaryBuilder.Dictionary d = DictionaryBuilder.build(spark, good, List.of(new EntityType("node", 4)), 1,
                new org.apache.hadoop.fs.Path(dir.resolve("dictionary").toUri()), false, 4);
        Set<Integer> made = shufflesOnDisk();
        made.removeAll(before);
        assertFalse(made.isEmpty(), "the dictionary shuffles its names");

        Set<Integer> left = new HashSet<>(made);
        for (int i = 0; i < 300 && !left.isEmpty(); i++) {
            DictionaryBuilder.releaseShuffles();
            Thread.sleep(100);
            left.retainAll(shufflesOnDisk());
        }
        assertTrue(left.isEmpty(), "shuffles " + left + " of the dictionary are still on disk");
        // and the dictionary is still whole: every name once, with its (partition, offset) once
        assertEquals(2000, d.counts()[0]);
        List<Row> rows = d.rows().collectAsList();
        assertEquals(2000, rows.size());
        assertEquals(2000, rows.stream().map(r -> r.getInt(2) + "/" + r.getInt(3)).distinct().count());
    }

    /** A good edge as {@link RawEdges#SCHEMA} holds it. */
    private static Row edge(int lhsType, String lhs, String rel, int rhsType, String rhs) {
        return RowFactory.create(lhsType, lhs, rel, rhsType, rhs, 1f, null, "f", 0L, null);
    }

    /**
     * The relation names come from the same scan as the entity names: each distinct one once, in Spark's string
     * order, none of them counted or ranked as an entity, however many edges and tasks carry them.
     */
    @Test
    void collects_the_relation_names_in_the_same_pass_without_making_them_entities() {
        SparkSession spark = SparkTestSupport.spark();
        List<Row> edges = new ArrayList<>();
        String[] rels = {"rel-b", "rel-a", "\u00e9t\u00e9", "Z", "rel-a"};
        for (int i = 0; i < 3000; i++) {
            edges.add(edge(0, "n" + i, rels[i % rels.length], 1, "m" + (i % 10)));
        }
        // a bad line's row has no names: it adds nothing
        edges.add(RowFactory.create(null, null, null, null, null, 1f, "expected 3 fields", "f", 7L, "x"));
        JavaRDD<Row> good = spark.createDataFrame(edges, RawEdges.SCHEMA).repartition(3).javaRDD();
        DictionaryBuilder.Dictionary d = DictionaryBuilder.build(spark, good, List.of(new EntityType("node", 2), new EntityType("leaf", 1)),
                1, new org.apache.hadoop.fs.Path(dir.resolve("dict-rel").toUri()), true, 4);
        assertEquals(List.of("Z", "rel-a", "rel-b", "\u00e9t\u00e9"), d.relationNames());
        assertEquals(3000, d.counts()[0]);
        assertEquals(10, d.counts()[1]);
        assertEquals(3010, d.rows().count(), "only the entities are dictionary rows");
        assertEquals(0, d.rows().filter("type < 0").count());
        // and nothing of them when not asked for
        DictionaryBuilder.Dictionary without = DictionaryBuilder.build(spark, good, List.of(new EntityType("node", 2), new EntityType("leaf", 1)),
                1, new org.apache.hadoop.fs.Path(dir.resolve("dict-norel").toUri()), false, 4);
        assertEquals(List.of(), without.relationNames());
        assertEquals(3010, without.rows().count());
    }

    /**
     * A task's names are counted a few at a time (here 4 before they go out): every name's counts, summed, are its
     * number of edge ends, so graph.minEntityCount keeps exactly the names seen that often, across tasks too.
     */
    @Test
    void counts_names_in_bounded_batches_and_keeps_those_seen_min_count_times() throws Exception {
        List<Row> edges = new ArrayList<>();
        // hub h0 in every edge; a0..a9 once each as lhs; t0..t4 twice each as rhs
        for (int i = 0; i < 10; i++) {
            edges.add(edge(0, "a" + i, "r", 0, "h0"));
            edges.add(edge(0, "h0", "r", 0, "t" + (i / 2)));
        }
        java.util.Map<String, Long> sums = new java.util.TreeMap<>();
        int rows = 0;
        for (java.util.Iterator<Row> it = new DictionaryBuilder.EndNames(true, 4).call(edges.iterator()); it.hasNext(); rows++) {
            Row r = it.next();
            sums.merge(r.getInt(0) + ":" + r.getString(1), r.getLong(2), Long::sum);
        }
        java.util.Map<String, Long> expected = new java.util.TreeMap<>();
        expected.put("0:h0", 20L);
        expected.put("-1:r", 20L);
        for (int i = 0; i < 10; i++) {
            expected.put("0:a" + i, 1L);
        }
        for (int i = 0; i < 5; i++) {
            expected.put("0:t" + i, 2L);
        }
        assertEquals(expected, sums);
        assertTrue(rows > expected.size() && rows < 60, rows + " rows for 60 name ends: counted in batches, several batches");

        SparkSession spark = SparkTestSupport.spark();
        JavaRDD<Row> good = spark.createDataFrame(edges, RawEdges.SCHEMA).repartition(3).javaRDD();
        DictionaryBuilder.Dictionary d = DictionaryBuilder.build(spark, good, List.of(new EntityType("node", 1)), 2,
                new org.apache.hadoop.fs.Path(dir.resolve("dict-min").toUri()), true, 4);
        assertEquals(List.of("h0", "t0", "t1", "t2", "t3", "t4"), d.rows().collectAsList().stream().map(r -> r.getString(1)).sorted().toList(),
                "the names of at least 2 edge ends");
        assertEquals(List.of("r"), d.relationNames(), "relations are never left out by the count");
    }
}
