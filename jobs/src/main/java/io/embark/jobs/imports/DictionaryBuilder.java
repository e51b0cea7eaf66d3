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
import org.apache.spark.api.java.function.FlatMapFunction;
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

    /** The type under which relation names travel through the name shuffle, never ranked as entities. */
    static final int RELATION = -1;

    /**
     * The dictionary rows, read from the Parquet files {@link #build} wrote under its scratch directory, the entity
     * count of each type, how many of them are new (not in the base; all of them without one), and the distinct
     * relation names of the edges, sorted (empty unless asked for).
     */
    public record Dictionary(Dataset<Row> rows, long[] counts, long[] added, List<String> relationNames) {
    }

    private DictionaryBuilder() {
    }

    /**
     * Builds the dictionaries of {@code types} (in the order of the edges' type indices). The names are counted first
     * (a few numbers per Spark partition reach the driver); a type with more entities than its partitions can hold
     * ({@link Limits#checkPartitions}) is refused then, naming its {@code graph.entities.TYPE.partitions} key and the
     * partition count that fits, before any rank is assigned or file written.
     */
    public static Dictionary build(SparkSession spark, JavaRDD<Row> edges, List<EntityType> types, long minCount, Path scratch,
                                   boolean relationNames, int shufflePartitions) {
        return build(spark, edges, types, minCount, scratch, relationNames, shufflePartitions, null, new long[types.size()]);
    }

    /**
     * Builds the dictionaries of a dataset that extends a base ({@code import.base}): {@code baseRows} (the base's
     * dictionary, {@link #SCHEMA}) keep their partitions and offsets, and the names the base lacks are ranked after its
     * {@code baseCounts[type]} entities, in the same hash order a fresh import uses; {@code minCount} applies to them
     * only. With {@code baseRows} null and zero counts, a fresh import. With {@code relationNames}, the relation names
     * of the edges are collected in the same pass (for a schema whose relations come from the data).
     */
    public static Dictionary build(SparkSession spark, JavaRDD<Row> edges, List<EntityType> types, long minCount, Path scratch,
                                   boolean relationNames, int shufflePartitions, Dataset<Row> baseRows, long[] baseCounts) {
        int[] partitionsPerType = types.stream().mapToInt(EntityType::partitions).toArray();
        // One scan of the edges yields both ends' names, and with them the relation names (under type RELATION), counted
        // in each task as far as its memory bound allows (EndNames): a graph's few relations would otherwise put one
        // shuffle partition's task behind every edge, and its hubs every shuffle task behind their repeats
        // (docs/BENCHMARKS.md, "import").
        Dataset<Row> names = spark.createDataFrame(edges.mapPartitions(new EndNames(relationNames)), NAMES);
        // One shuffle counts and orders the names. They are hash-partitioned by a 64-bit hash of the name into
        // shufflePartitions partitions (ImportJob.shufflePartitions; an explicit count, which adaptive execution does not coalesce; the
        // rank order depends on it), counted there, and
        // sorted within each partition; the rank order is (partition, key, type, name): deterministic, and
        // independent of the input's order and split. Spark's own partial aggregation is not used: it saves nothing
        // when most names of a task are distinct, as in any graph with many more nodes than edges per task, and its
        // hash map then spills and sorts names byte by byte (EndNames' bounded counts send them on instead); a global
        // sort would add a sampling job that recomputes the aggregation (docs/BENCHMARKS.md, "dictionary").
        Column key = functions.xxhash64(functions.col("name")).as("key");
        Dataset<Row> counted = names.select(key, functions.col("type"), functions.col("name"), functions.col("n"))
                .repartition(shufflePartitions, functions.col("key"))
                .groupBy("key", "type", "name").agg(functions.sum("n").as("count"));
        if (minCount > 1) {
            counted = counted.filter(functions.col("count").geq(minCount).or(functions.col("type").equalTo(RELATION)));
        }
        if (baseRows != null) {
            // the names the base lacks, hashed into the same partitions again: an explicit count that adaptive
            // execution leaves alone, so both passes below see the partitions the ranks are counted in
            counted = counted.join(baseRows.select("type", "name"), scala.jdk.javaapi.CollectionConverters.asScala(List.of("type", "name")).toSeq(),
                    "left_anti").repartition(shufflePartitions, functions.col("key"));
        }
        // Persisted at the Dataset level (Spark's own binary rows), so both passes below see the same partitions.
        Dataset<Row> all = counted.sortWithinPartitions("key", "type", "name")
                .select("type", "name")
                .persist(StorageLevel.MEMORY_AND_DISK_SER());
        List<String> relations = new ArrayList<>();
        if (relationNames) {
            for (Row r : all.filter(functions.col("type").equalTo(RELATION)).select("name").collectAsList()) {
                relations.add(r.getString(0));
            }
            // Spark's order of strings (unsigned UTF-8 bytes), which relation ids have always followed
            relations.sort((a, b) -> java.util.Arrays.compareUnsigned(a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    b.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        // a narrow filter: both passes below still see the partitions of the persisted rows
        Dataset<Row> sorted = all.filter(functions.col("type").geq(0));
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
                all.unpersist();
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
        all.unpersist();
        Dataset<Row> rows = spark.read()
                .option("parquet.page.verify-checksum.enabled", "true")
                .schema(SCHEMA)
                .parquet(scratch.toString());
        long[] added = new long[typeCount];
        for (int t = 0; t < typeCount; t++) {
            added[t] = running[t] - baseCounts[t];
        }
        return new Dictionary(rows, running, added, List.copyOf(relations));
    }

    private static final StructType NAMES = new StructType()
            .add("type", DataTypes.IntegerType, false)
            .add("name", DataTypes.StringType, false)
            .add("n", DataTypes.LongType, false);

    /**
     * Per task, the names of its good edges ({@link RawEdges#SCHEMA}; bad lines are skipped) counted: both ends as
     * (type, name, count), and with {@code relations} the relation as (RELATION, name, count). The counts are kept for
     * at most {@link #CACHED} names at a time: when that many are held, all go out and counting starts afresh, so a
     * task's memory is bounded however many distinct names it meets, a name repeated within a task crosses the shuffle
     * a few times instead of once per edge end (a power-law graph's hubs: 10M edges over 1M nodes send a fraction of
     * their 20M ends), and a task whose names are mostly distinct sends each about once, as without counting.
     */
    static final class EndNames implements FlatMapFunction<Iterator<Row>, Row> {
        private static final long serialVersionUID = 1L;
        static final int CACHED = 1 << 18;
        /** The column of {@link RawEdges#SCHEMA} that holds a bad line's problem. */
        private static final int BAD = 6;
        private final boolean relations;
        private final int cached;

        EndNames(boolean relations) {
            this(relations, CACHED);
        }

        /** {@code cached}: how many names a task counts before sending them (tests use a few). */
        EndNames(boolean relations, int cached) {
            this.relations = relations;
            this.cached = cached;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> edges) {
            return new Iterator<>() {
                // the names held and their counts; the table's arrays are reused from one batch to the next, so
                // counting allocates nothing per name
                private final NameTable held = new NameTable(cached);
                private final java.util.ArrayDeque<Row> out = new java.util.ArrayDeque<>();

                private void count(int type, String name) {
                    int e = held.find(type, name);
                    if (e >= 0) {
                        held.value(e, held.value(e) + 1);
                        return;
                    }
                    held.add(type, name, 1);
                    if (held.full()) {
                        flush();
                    }
                }

                private void flush() {
                    for (int e = 0; e < held.size(); e++) {
                        out.add(RowFactory.create(held.type(e), held.name(e), held.value(e)));
                    }
                    held.clear();
                }

                @Override
                public boolean hasNext() {
                    while (out.isEmpty()) {
                        if (!edges.hasNext()) {
                            if (held.size() == 0) {
                                return false;
                            }
                            flush();
                            continue;
                        }
                        Row edge = edges.next();
                        if (edge.isNullAt(BAD)) {
                            count(edge.getInt(0), edge.getString(1));
                            count(edge.getInt(3), edge.getString(4));
                            if (relations) {
                                count(RELATION, edge.getString(2));
                            }
                        }
                    }
                    return true;
                }

                @Override
                public Row next() {
                    if (!hasNext()) {
                        throw new java.util.NoSuchElementException();
                    }
                    return out.poll();
                }
            };
        }
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
