package io.embark.jobs.imports;

import io.embark.jobs.config.ConfigException;
import io.embark.partitioning.EntityType;
import io.embark.partitioning.Limits;
import io.embark.partitioning.PartitionAssignment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.hadoop.fs.Path;

/**
 * Builds the entity dictionaries of all entity types with Spark: distinct names per type (with an optional minimum
 * count), ranked in an order that depends only on the names: by the partition a 64-bit hash of the name (Spark's
 * {@code xxhash64}) falls in, then by that hash, ties broken by the name (the ranks of each type count up in that
 * order); each rank is then turned into (partition, offset). Only per-Spark-partition counts (a few numbers per task) reach the driver.
 */
public final class DictionaryBuilder {

    /** Columns of the dictionary: entity type index, name, partition, offset. */
    public static final StructType SCHEMA = new StructType()
            .add("type", DataTypes.IntegerType, false)
            .add("name", DataTypes.StringType, false)
            .add("part", DataTypes.IntegerType, false)
            .add("off", DataTypes.IntegerType, false);

    /**
     * The dictionary rows, read from the Parquet files {@link #build} wrote under its scratch directory, the entity
     * count of each type, and how many of them are new (not in the base; all of them without one).
     */
    public record Dictionary(Dataset<Row> rows, long[] counts, long[] added) {
    }

    private DictionaryBuilder() {
    }

    /**
     * Builds the dictionaries of {@code types} (in the order of the edges' type indices). The names are counted first
     * (a few numbers per Spark partition reach the driver); a type with more entities than its partitions can hold
     * ({@link Limits#checkPartitions}) is refused then, naming its {@code graph.entities.TYPE.partitions} key and the
     * partition count that fits, before any rank is assigned or file written.
     */
    public static Dictionary build(SparkSession spark, Dataset<Row> goodEdges, List<EntityType> types, long minCount, Path scratch) {
        return build(spark, goodEdges, types, minCount, scratch, null, new long[types.size()]);
    }

    /**
     * Builds the dictionaries of a dataset that extends a base ({@code import.base}): {@code baseRows} (the base's
     * dictionary, {@link #SCHEMA}) keep their partitions and offsets, and the names the base lacks are ranked after its
     * {@code baseCounts[type]} entities, in the same hash order a fresh import uses; {@code minCount} applies to them
     * only. With {@code baseRows} null and zero counts, a fresh import.
     */
    public static Dictionary build(SparkSession spark, Dataset<Row> goodEdges, List<EntityType> types, long minCount, Path scratch,
                                   Dataset<Row> baseRows, long[] baseCounts) {
        int[] partitionsPerType = types.stream().mapToInt(EntityType::partitions).toArray();
        Dataset<Row> names = goodEdges.select(functions.col("lhsType").as("type"), functions.col("lhs").as("name"))
                .union(goodEdges.select(functions.col("rhsType").as("type"), functions.col("rhs").as("name")));
        // One shuffle counts and orders the names. They are hash-partitioned by a 64-bit hash of the name into
        // spark.sql.shuffle.partitions partitions (an explicit count, which adaptive execution does not coalesce; the
        // rank order depends on it), counted there, and
        // sorted within each partition; the rank order is (partition, key, type, name): deterministic, and
        // independent of the input's order and split. Counting names in each input task first (Spark's partial
        // aggregation) saves nothing when most names of a task are distinct, as in any graph with many more nodes
        // than edges per task, and its hash map then spills and sorts names byte by byte; a global sort would add a
        // sampling job that recomputes the aggregation (docs/BENCHMARKS.md, "dictionary").
        Column key = functions.xxhash64(functions.col("name")).as("key");
        int shufflePartitions = Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions"));
        Dataset<Row> counted = names.select(key, functions.col("type"), functions.col("name"))
                .repartition(shufflePartitions, functions.col("key"))
                .groupBy("key", "type", "name").count();
        if (minCount > 1) {
            counted = counted.filter(functions.col("count").geq(minCount));
        }
        if (baseRows != null) {
            // the names the base lacks, hashed into the same partitions again: an explicit count that adaptive
            // execution leaves alone, so both passes below see the partitions the ranks are counted in
            counted = counted.join(baseRows.select("type", "name"), scala.jdk.javaapi.CollectionConverters.asScala(List.of("type", "name")).toSeq(),
                    "left_anti").repartition(shufflePartitions, functions.col("key"));
        }
        // Persisted at the Dataset level (Spark's own binary rows), so both passes below see the same partitions.
        Dataset<Row> sorted = counted.sortWithinPartitions("key", "type", "name")
                .select("type", "name")
                .persist(StorageLevel.MEMORY_AND_DISK_SER());
        int typeCount = partitionsPerType.length;
        // Per Spark partition, how many names of each type it holds: numPartitions x types numbers.
        List<long[]> perPartition = sorted.javaRDD().mapPartitionsWithIndex((idx, it) -> {
            long[] c = new long[typeCount + 1];
            c[typeCount] = idx;
            while (it.hasNext()) {
                c[it.next().getInt(0)]++;
            }
            return List.of(c).iterator();
        }, true).collect();
        Map<Integer, long[]> base = new HashMap<>();
        Map<Integer, long[]> end = new HashMap<>();
        long[] running = baseCounts.clone();
        List<long[]> ordered = new ArrayList<>(perPartition);
        ordered.sort((a, b) -> Long.compare(a[typeCount], b[typeCount]));
        for (long[] c : ordered) {
            base.put((int) c[typeCount], running.clone());
            for (int t = 0; t < typeCount; t++) {
                running[t] += c[t];
            }
            end.put((int) c[typeCount], running.clone());
        }
        for (int t = 0; t < typeCount; t++) {
            try {
                Limits.checkPartitions(types.get(t).name(), running[t], partitionsPerType[t]);
            } catch (IllegalArgumentException e) {
                sorted.unpersist();
                throw new ConfigException(e.getMessage());
            }
        }
        int[] parts = partitionsPerType.clone();
        JavaRDD<Row> ranked = sorted.javaRDD().mapPartitionsWithIndex((idx, it) -> {
            if (!base.containsKey(idx)) {
                throw new IllegalStateException("dictionary: Spark partition " + idx + " was not there when the names were counted");
            }
            return rank(it, base.get(idx).clone(), end.get(idx), parts);
        }, true);
        // Written out and read back rather than kept persisted: a persisted dataset holds its lineage, and with it the
        // name shuffle's files (about 32 bytes per edge end, docs/BENCHMARKS.md "scale"), on disk until the job ends.
        // Once nothing references that lineage, Spark's cleaner deletes them (releaseShuffles), before the edges'
        // own shuffles need the space.
        Dataset<Row> fresh = spark.createDataFrame(ranked, SCHEMA);
        (baseRows == null ? fresh : baseRows.union(fresh)).write()
                .option("parquet.page.write-checksum.enabled", "true")
                .parquet(scratch.toString());
        sorted.unpersist();
        Dataset<Row> rows = spark.read()
                .option("parquet.page.verify-checksum.enabled", "true")
                .schema(SCHEMA)
                .parquet(scratch.toString());
        long[] added = new long[typeCount];
        for (int t = 0; t < typeCount; t++) {
            added[t] = running[t] - baseCounts[t];
        }
        return new Dictionary(rows, running, added);
    }

    /**
     * Lets Spark's cleaner delete the files of shuffles nothing references any more (the dictionary's name shuffle
     * once {@link #build} has returned): it tracks them with weak references, which only a garbage collection of the
     * driver's heap clears, and on its own it collects every 30 minutes ({@code spark.cleaner.periodicGC.interval}).
     * The deletion itself runs on the cleaner's thread, shortly after.
     */
    public static void releaseShuffles() {
        System.gc();
    }

    /**
     * Ranks one Spark partition's names from {@code next} on; {@code end} is where the counting pass says they stop.
     * Both passes must see the same partitions, or two names would share a rank: checked, never assumed.
     */
    private static Iterator<Row> rank(Iterator<Row> names, long[] next, long[] end, int[] partitions) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                if (names.hasNext()) {
                    return true;
                }
                if (!java.util.Arrays.equals(next, end)) {
                    throw new IllegalStateException("dictionary: a Spark partition ranked names up to " + java.util.Arrays.toString(next)
                            + " per type where the counting pass ended at " + java.util.Arrays.toString(end)
                            + ": the two passes saw different partitions");
                }
                return false;
            }

            @Override
            public Row next() {
                Row r = names.next();
                int type = r.getInt(0);
                long rank = next[type]++;
                return RowFactory.create(type, r.getString(1),
                        PartitionAssignment.partition(rank, partitions[type]), PartitionAssignment.offset(rank, partitions[type]));
            }
        };
    }
}
