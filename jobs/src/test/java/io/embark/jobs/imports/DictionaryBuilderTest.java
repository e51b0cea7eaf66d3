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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
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
            edges.add(RowFactory.create(0, "n" + i, 0, "n" + ((i * 7 + 3) % 2000)));
        }
        Dataset<Row> good = spark.createDataFrame(edges, new StructType().add("lhsType", DataTypes.IntegerType)
                .add("lhs", DataTypes.StringType).add("rhsType", DataTypes.IntegerType).add("rhs", DataTypes.StringType));
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
            edges.add(RowFactory.create(0, "n" + i, rels[i % rels.length], 1, "m" + (i % 10)));
        }
        StructType schema = new StructType().add("lhsType", DataTypes.IntegerType).add("lhs", DataTypes.StringType)
                .add("rel", DataTypes.StringType).add("rhsType", DataTypes.IntegerType).add("rhs", DataTypes.StringType);
        Dataset<Row> good = spark.createDataFrame(edges, schema).repartition(3);
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
}
