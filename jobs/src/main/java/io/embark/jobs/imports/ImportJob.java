package io.embark.jobs.imports;

import io.embark.embedding.config.ConfigChoice;
import io.embark.jobs.config.BadLinePolicy;
import io.embark.jobs.config.ConfigException;
import io.embark.jobs.config.DataConfig;
import io.embark.jobs.config.ImportMode;
import io.embark.jobs.config.JobConfig;
import io.embark.embedding.progress.ProgressLog;
import io.embark.jobs.progress.StageProgress;
import io.embark.partitioning.AtomicDirectory;
import io.embark.partitioning.BucketIndex;
import io.embark.partitioning.DatasetLayout;
import io.embark.partitioning.EntityType;
import io.embark.partitioning.GraphSchema;
import io.embark.partitioning.ImportManifest;
import io.embark.partitioning.NameCodec;
import io.embark.partitioning.PartitionAssignment;
import io.embark.partitioning.RelationType;
import io.embark.partitioning.Side;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code import} command: reads the train (and optional valid/test) edge files, builds the dictionaries from
 * train, writes entity files and P x P edge buckets for each split under a temporary directory, then the manifest,
 * then renames the directory into place ({@link AtomicDirectory}).
 */
public final class ImportJob {

    private static final Logger LOG = LoggerFactory.getLogger(ImportJob.class);
    private static final String[] SPLITS = {"train", "valid", "test"};
    /** Under the temporary output directory: intermediate files of this import, deleted before it commits. */
    static final String SCRATCH = "_scratch";

    private ImportJob() {
    }

    public static ImportManifest run(SparkSession spark, JobConfig job) throws IOException {
        DataConfig data = job.requireData("import");
        GraphSchema schema = job.graph().schema();
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Path target = new Path(job.graphDir());
        FileSystem fs = target.getFileSystem(conf);
        // checked before anything is written: a refused base leaves no output
        BaseDataset base = job.importing().base().isPresent() ? BaseDataset.open(conf, job.importing().base().get(), target, schema) : null;
        AtomicDirectory out = AtomicDirectory.begin(fs, target, job.importing().overwrite(), "import.overwrite");
        try {
            ImportManifest manifest;
            try {
                manifest = write(spark, job, data, schema, conf, fs, out.path(), base);
            } finally {
                EntityLookup.release();
            }
            out.commit();
            LOG.info("import committed to {}", target);
            return manifest;
        } catch (Exception e) {
            // Spark's SparkException is checked but undeclared: catch everything so the temporary output always goes.
            out.abort();
            BadInputException bad = BadInputException.find(e);
            if (bad != null) {
                throw new BadInputException(bad.getMessage());
            }
            BadInputException mixedTypes = ParquetColumns.typeMismatch(e);
            if (mixedTypes != null) {
                throw mixedTypes;
            }
            if (e instanceof IOException io) {
                throw io;
            }
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException("import failed: " + e.getMessage(), e);
        }
    }

    /** Writes the dataset under {@code root}; {@code base}, when not null, is the dataset it extends ({@code import.base}). */
    private static ImportManifest write(SparkSession spark, JobConfig job, DataConfig data, GraphSchema schema,
                                        Configuration conf, FileSystem fs, Path root, BaseDataset base) throws IOException {
        DatasetLayout layout = new DatasetLayout(root);
        HadoopConf hconf = HadoopConf.of(conf);
        RelationResolver resolver = new RelationResolver(schema);
        List<EntityType> types = new ArrayList<>(schema.entityTypes().values());
        int[] partitions = types.stream().mapToInt(EntityType::partitions).toArray();
        String[] typeNames = types.stream().map(EntityType::name).toArray(String[]::new);

        Map<String, List<String>> inputs = new LinkedHashMap<>();
        inputs.put("train", InputFiles.expand(conf, data.train(), "data.train"));
        if (!data.valid().isEmpty()) {
            inputs.put("valid", InputFiles.expand(conf, data.valid(), "data.valid"));
        }
        if (!data.test().isEmpty()) {
            inputs.put("test", InputFiles.expand(conf, data.test(), "data.test"));
        }

        int shuffles = shufflePartitions(spark, conf, inputs.get("train"));

        ProgressLog progress = job.progress().log();
        LOG.info("import: building dictionaries for {} entity type(s) from {} train file(s)", types.size(), inputs.get("train").size());
        DictionaryBuilder.Dictionary dict;
        long trainRecords;
        try (StageProgress p = StageProgress.readingInput(spark, progress, "import: dictionaries")) {
            Path scratch = new Path(root, SCRATCH + "/dictionary");
            JavaRDD<Row> trainRows = RawEdges.javaRows(spark, data, resolver, inputs.get("train"));
            dict = base == null
                    ? DictionaryBuilder.build(spark, trainRows, types, job.graph().minEntityCount(), scratch, schema.isDynamic(), shuffles)
                    : DictionaryBuilder.build(spark, trainRows, types, job.graph().minEntityCount(), scratch, schema.isDynamic(),
                            shuffles, base.dictionary(spark, types, hconf), base.counts(types));
            trainRecords = p.count();
        }
        // Relation ids: listed relations in declaration order; dynamic ones sorted by name; a base's relations first.
        List<RelationType> relations = new ArrayList<>();
        if (schema.isDynamic()) {
            RelationType t = schema.dynamicTemplate().orElseThrow();
            for (String name : dict.relationNames()) {
                relations.add(new RelationType(name, t.lhsType(), t.rhsType()));
            }
        } else {
            relations.addAll(schema.relations());
        }
        if (base != null) {
            relations = base.relations(relations);
        }
        if (relations.isEmpty()) {
            throw new BadInputException("data.train: no usable edges in " + inputs.get("train")
                    + (data.onBadLine() == BadLinePolicy.SKIP ? " (every line was bad or blank)" : " (the input is empty)"));
        }
        List<String> relationNames = relations.stream().map(RelationType::name).toList();
        DictionaryBuilder.releaseShuffles();
        if (Arrays.stream(dict.counts()).sum() == 0) {
            throw new BadInputException("data.train: no usable edges in " + inputs.get("train")
                    + (data.onBadLine() == BadLinePolicy.SKIP ? " (every line was bad or blank)" : " (the input is empty)"));
        }
        List<ImportManifest.EntityTypeInfo> typeInfos = writeEntities(dict, types, partitions, typeNames, hconf, fs, layout, root);
        // A dictionary that fits in each executor's memory is looked up in the tasks that read the edges (loaded there
        // from the entity files just written): every edge then crosses one shuffle (to its bucket slot) instead of three.
        long entities = Arrays.stream(dict.counts()).sum();
        boolean mapSide = entities <= job.importing().mapSideDictionary();
        LOG.info("import: {} entities; edges get their ids {}", entities, mapSide
                ? "in the tasks that read them (import.mapSideDictionary = " + job.importing().mapSideDictionary() + ")"
                : "by joining them with the dictionary (more entities than import.mapSideDictionary = " + job.importing().mapSideDictionary() + ")");
        int lhsGrid = schema.gridPartitions(Side.LHS);
        int rhsGrid = schema.gridPartitions(Side.RHS);
        boolean weighted = data.weightColumn().isPresent();
        Map<String, ImportManifest.SplitInfo> splits = new LinkedHashMap<>();
        Map<String, Long> newEdges = new LinkedHashMap<>();
        Map<String, Integer> baseSlots = new LinkedHashMap<>();
        long[] relationEdges = new long[relations.size()];
        boolean append = base != null && job.importing().mode() == ImportMode.APPEND;
        for (String split : SPLITS) {
            boolean fromBase = append && base.splits().contains(split);
            if (!inputs.containsKey(split) && !fromBase) {
                continue;
            }
            if (fromBase && base.split(split).weighted() != weighted) {
                throw new ConfigException("data.columns.weight: the new edges are " + (weighted ? "" : "not ") + "weighted, the base dataset's "
                        + split + " edges (import.base = " + base.given() + ") are " + (weighted ? "not" : "") + ": a dataset holds one kind");
            }
            List<TaskReport> reports = List.of();
            if (inputs.containsKey(split)) {
                try (StageProgress p = StageProgress.counting(spark, progress, "import " + split, "edges",
                        split.equals("train") && trainRecords > 0 ? OptionalLong.of(trainRecords) : OptionalLong.empty())) {
                    boolean keepNames = !split.equals("train") || job.graph().minEntityCount() > 1;
                    JavaRDD<Row> rows = mapSide
                            ? RawEdges.javaRows(spark, data, resolver, inputs.get(split))
                                    .mapPartitions(new EntityLookup(root.toString(), typeNames, partitions, dict.counts(), relationNames, hconf))
                            : mapped(spark, RawEdges.read(spark, data, resolver, inputs.get(split)), dict.rows(), relationNames, keepNames,
                                    shuffles).javaRDD();
                    reports = writeBuckets(rows, root, split, hconf, relationNames, lhsGrid, rhsGrid, weighted, data.badLineSample(),
                            p.counter());
                }
            }
            // the base's bucket files go after this import's own slots of each bucket
            int ownSlots = reports.stream().flatMap(r -> r.files.stream()).mapToInt(f -> f.slot + 1).max().orElse(0);
            if (fromBase) {
                baseSlots.put(split, ownSlots);
            }
            List<BucketIndex.Entry> copied = fromBase ? base.copyBuckets(spark, split, layout, ownSlots, hconf) : List.of();
            ImportManifest.SplitInfo info = summarize(fs, layout, split, lhsGrid, rhsGrid, inputs.getOrDefault(split, List.of()), weighted,
                    reports, data.badLineSample(), copied, fromBase ? base.split(split) : null);
            long own = reports.stream().mapToLong(r -> r.edges).sum();
            newEdges.put(split, own);
            if (split.equals("train")) {
                if (base != null && own == 0) {
                    throw new BadInputException("data.train: no usable edges in " + inputs.get("train") + " to add to the base dataset"
                            + " (import.base = " + base.given() + ")");
                }
                for (TaskReport r : reports) {
                    for (int i = 0; i < relationEdges.length; i++) {
                        relationEdges[i] += r.relationEdges[i];
                    }
                }
                if (fromBase) {
                    for (int i = 0; i < base.manifest().relations().size(); i++) {
                        relationEdges[i] += base.relationEdges(i);
                    }
                }
            }
            splits.put(split, info);
            report(split, info);
        }
        writeRelations(fs, layout, relations);
        List<ImportManifest.RelationInfo> relationInfos = new ArrayList<>();
        for (int i = 0; i < relations.size(); i++) {
            RelationType r = relations.get(i);
            relationInfos.add(new ImportManifest.RelationInfo(i, r.name(), r.lhsType(), r.rhsType(), relationEdges[i]));
        }
        ImportManifest.Lineage lineage = null;
        if (base != null) {
            int known = base.manifest().relations().size();
            lineage = new ImportManifest.Lineage(base.location(), base.manifest().createdAt(), ConfigChoice.spelling(job.importing().mode()),
                    BaseDataset.byType(types, dict.added()), relationNames.subList(known, relationNames.size()), newEdges, baseSlots);
        }
        ImportManifest manifest = new ImportManifest(ImportManifest.FORMAT_VERSION, Instant.now().toString(), job.asStrings(),
                typeInfos, relationInfos, schema.isDynamic(), lhsGrid, rhsGrid, splits, lineage);
        // (a failed import leaves it to AtomicDirectory.abort, which deletes the whole temporary directory)
        fs.delete(new Path(root, SCRATCH), true);
        manifest.write(fs, layout.manifest());
        return manifest;
    }

    /**
     * Joins each edge with the relation ids and with the dictionary on both sides: rel (the relation's id, -1 for a
     * relation train does not have, null on a bad line), lhsPart, lhsOff, rhsPart, rhsOff (null for an entity not in the
     * dictionary), w, bad, file, pos, text, lhs, rhs. The entity names are kept only where an entity can be missing
     * from the dictionary ({@code keepNames}: valid and test, or train under a minimum count), for the manifest's
     * sample of unmapped edges; elsewhere they are null from the first join on.
     */
    // Each edge crosses two shuffles here, and what they carry per edge is what the import's disk and time grow with
    // (docs/BENCHMARKS.md, "scale"): the relation travels as an int, a name is dropped once it has been looked up, and
    // a good line's file name is dropped before the first. The dictionary side is hashed per shuffle partition
    // (shuffled hash join) rather than sort-merge joined: it is far smaller than the edges, and this saves sorting every
    // edge twice.
    static Dataset<Row> mapped(SparkSession spark, Dataset<Row> raw, Dataset<Row> dict, List<String> relationNames, boolean keepNames,
                               int n) {
        List<Row> ids = new ArrayList<>();
        for (int i = 0; i < relationNames.size(); i++) {
            ids.add(RowFactory.create(relationNames.get(i), i));
        }
        Dataset<Row> relIds = functions.broadcast(spark.createDataFrame(ids, new StructType()
                .add("relName", DataTypes.StringType, false).add("relId", DataTypes.IntegerType, false)));
        // Both sides of each join are hashed into n (the import's shuffle partitions) by the join keys, explicitly:
        // adaptive execution would otherwise coalesce a small split's partitions to a few, and each of them would then
        // hash its share of the whole dictionary in memory (a 100,000-edge test split against 28.6M names ran out of a 2
        // GB heap).
        Dataset<Row> l = dict.select(functions.col("type").as("lt"), functions.col("name").as("ln"),
                functions.col("part").as("lp"), functions.col("off").as("lo"))
                .repartition(n, functions.col("lt"), functions.col("ln")).hint("shuffle_hash");
        Dataset<Row> r = dict.select(functions.col("type").as("rt"), functions.col("name").as("rn"),
                functions.col("part").as("rp"), functions.col("off").as("ro"))
                .repartition(n, functions.col("rt"), functions.col("rn")).hint("shuffle_hash");
        Column good = functions.col("bad").isNull();
        Dataset<Row> slim = raw.join(relIds, raw.col("rel").equalTo(relIds.col("relName")), "left_outer")
                .select(functions.when(good, functions.coalesce(functions.col("relId"), functions.lit(-1))).as("rel"),
                        functions.col("lhsType"), functions.col("lhs"), functions.col("rhsType"), functions.col("rhs"),
                        functions.col("w"), functions.col("bad"), functions.when(functions.col("bad").isNotNull(), functions.col("file")).as("file"),
                        functions.col("pos"), functions.col("text"))
                .repartition(n, functions.col("lhsType"), functions.col("lhs"));
        Dataset<Row> withLhs = slim.join(l, slim.col("lhsType").equalTo(l.col("lt")).and(slim.col("lhs").equalTo(l.col("ln"))), "left_outer")
                .select(functions.col("rel"), functions.col("lp"), functions.col("lo"), functions.col("rhsType"), functions.col("rhs"),
                        functions.col("w"), functions.col("bad"), functions.col("file"), functions.col("pos"), functions.col("text"),
                        keepNames ? functions.col("lhs") : functions.lit(null).cast(DataTypes.StringType).as("lhs"))
                .repartition(n, functions.col("rhsType"), functions.col("rhs"));
        Dataset<Row> both = withLhs.join(r, withLhs.col("rhsType").equalTo(r.col("rt")).and(withLhs.col("rhs").equalTo(r.col("rn"))),
                "left_outer");
        return both.select("rel", "lp", "lo", "rp", "ro", "w", "bad", "file", "pos", "text", "lhs", "rhs");
    }

    /** Input bytes per shuffle partition the import aims at, below {@code spark.sql.shuffle.partitions}. */
    static final long BYTES_PER_SHUFFLE_PARTITION = 64L << 20;

    /**
     * The import's shuffle partitions: one per {@link #BYTES_PER_SHUFFLE_PARTITION} of train input, at least two per
     * core of the application and a multiple of its cores, at most {@code spark.sql.shuffle.partitions}. Each shuffle
     * task costs a fixed ~0.2 s here (a Parquet writer, a commit, a file), so a 10M-edge graph's dictionary in 64 of
     * them spent more time starting tasks than counting names (docs/BENCHMARKS.md, "import").
     */
    static int shufflePartitions(SparkSession spark, Configuration conf, List<String> trainFiles) throws IOException {
        int most = Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions"));
        int cores = Math.max(1, spark.sparkContext().defaultParallelism());
        long bytes = 0;
        for (String f : trainFiles) {
            Path p = new Path(f);
            bytes += p.getFileSystem(conf).getFileStatus(p).getLen();
        }
        long wanted = Math.max(2L * cores, (bytes + BYTES_PER_SHUFFLE_PARTITION - 1) / BYTES_PER_SHUFFLE_PARTITION);
        wanted = (wanted + cores - 1) / cores * cores;
        return (int) Math.max(1, Math.min(most, wanted));
    }

    private static List<ImportManifest.EntityTypeInfo> writeEntities(DictionaryBuilder.Dictionary dict, List<EntityType> types,
            int[] partitions, String[] typeNames, HadoopConf hconf, FileSystem fs, DatasetLayout layout, Path root) throws IOException {
        int files = 0;
        for (int p : partitions) {
            files += p;
        }
        List<long[]> written = dict.rows()
                .repartition(Math.max(1, Math.min(files, 512)), functions.col("type"), functions.col("part"))
                .sortWithinPartitions("type", "part", "off")
                .javaRDD()
                .mapPartitions(new EntityFileTask(root.toString(), typeNames, hconf))
                .collect();
        Set<String> seen = new HashSet<>();
        for (long[] w : written) {
            seen.add(w[0] + "/" + w[1]);
        }
        List<ImportManifest.EntityTypeInfo> infos = new ArrayList<>();
        for (int t = 0; t < types.size(); t++) {
            long[] counts = new long[partitions[t]];
            for (int p = 0; p < partitions[t]; p++) {
                counts[p] = PartitionAssignment.partitionSize(dict.counts()[t], partitions[t], p);
                if (!seen.contains(t + "/" + p)) {
                    fs.create(layout.entityNames(typeNames[t], p), true).close();
                }
            }
            infos.add(new ImportManifest.EntityTypeInfo(typeNames[t], partitions[t], dict.counts()[t], counts));
        }
        for (long[] w : written) {
            long expected = PartitionAssignment.partitionSize(dict.counts()[(int) w[0]], partitions[(int) w[0]], (int) w[1]);
            if (w[2] != expected) {
                throw new IllegalStateException("entity type " + typeNames[(int) w[0]] + " partition " + w[1] + ": wrote " + w[2]
                        + " names, expected " + expected);
            }
        }
        return infos;
    }

    /**
     * Routes the mapped edges to their bucket slots (one shuffle of compact record blocks, sorted by slot key on the
     * write side) and writes each slot as one file: at most {@code buckets x slots} files, one stream open per task.
     */
    static List<TaskReport> writeBuckets(JavaRDD<Row> mapped, Path root, String split, HadoopConf hconf,
                                         List<String> relationNames, int lhsGrid, int rhsGrid, boolean weighted, int sample,
                                         LongAccumulator routed) {
        BucketSlots slots = BucketSlots.plan(lhsGrid, rhsGrid, mapped.getNumPartitions());
        LOG.info("import {}: {} x {} buckets in {} slot(s) each, written by {} task(s)", split, lhsGrid, rhsGrid, slots.slots(),
                slots.writers());
        return mapped.mapPartitionsToPair(new BucketRouteTask(hconf, relationNames, slots, weighted, sample, routed))
                .repartitionAndSortWithinPartitions(slots.partitioner())
                .mapPartitions(new BucketWriteTask(root.toString(), split, hconf, slots, weighted, relationNames.size(), sample))
                .collect();
    }

    /**
     * Sums the tasks' reports, writes the split's bucket index, and deletes files no successful attempt reported.
     * {@code copied} are bucket files copied from a base dataset, whose counts ({@code baseSplit}) add to this split's.
     */
    private static ImportManifest.SplitInfo summarize(FileSystem fs, DatasetLayout layout, String split, int lhsGrid, int rhsGrid,
                                                      List<String> inputs, boolean weighted, List<TaskReport> reports, int sample,
                                                      List<BucketIndex.Entry> copied, ImportManifest.SplitInfo baseSplit)
            throws IOException {
        long lines = 0;
        long edges = 0;
        long bad = 0;
        long unknownEntity = 0;
        long unknownRelation = 0;
        List<ImportManifest.BadLine> badSample = new ArrayList<>();
        List<String> unknownSample = new ArrayList<>();
        List<BucketIndex.Entry> files = new ArrayList<>(copied);
        List<String> allInputs = new ArrayList<>(inputs);
        if (baseSplit != null) {
            lines += baseSplit.linesRead();
            edges += baseSplit.edges();
            bad += baseSplit.badLinesSkipped();
            unknownEntity += baseSplit.unknownEntityEdges();
            unknownRelation += baseSplit.unknownRelationEdges();
            allInputs.addAll(0, baseSplit.inputs());
        }
        for (TaskReport r : reports) {
            lines += r.lines;
            edges += r.edges;
            bad += r.bad;
            unknownEntity += r.unknownEntity;
            unknownRelation += r.unknownRelation;
            for (TaskReport.BadSample s : r.badSample) {
                if (badSample.size() < sample) {
                    badSample.add(new ImportManifest.BadLine(s.file, s.line, s.reason, s.text));
                }
            }
            for (String s : r.unknownEntitySample) {
                if (unknownSample.size() < sample) {
                    unknownSample.add(s);
                }
            }
            for (TaskReport.FileEntry f : r.files) {
                files.add(new BucketIndex.Entry(f.lhsPartition, f.rhsPartition, f.slot, f.attempt, f.edges, f.crc32c));
            }
        }
        int slots = files.stream().mapToInt(BucketIndex.Entry::slot).max().orElse(0) + 1;
        BucketIndex index = new BucketIndex(lhsGrid, rhsGrid, slots, files);
        if (index.totalEdges() != edges) {
            throw new IllegalStateException("import " + split + ": the bucket files hold " + index.totalEdges() + " edges, the tasks kept "
                    + edges);
        }
        removeStrayFiles(fs, layout.splitDir(split), index);
        Path indexPath = layout.bucketIndex(split);
        byte[] bytes = index.write(fs, indexPath);
        ImportManifest.BucketIndexFile indexFile = new ImportManifest.BucketIndexFile(layout.relative(indexPath), slots,
                index.fileCount(), bytes.length, BucketIndex.checksum(bytes));
        return new ImportManifest.SplitInfo(allInputs, weighted, lines, edges, bad, badSample, unknownEntity, unknownSample,
                unknownRelation, indexFile);
    }

    /** Deletes bucket files that no successful task reported (left by failed or speculative attempts). */
    private static void removeStrayFiles(FileSystem fs, Path splitDir, BucketIndex index) throws IOException {
        if (!fs.exists(splitDir)) {
            fs.mkdirs(splitDir);
            return;
        }
        Set<String> kept = new HashSet<>();
        for (BucketIndex.Entry f : index.entries()) {
            kept.add(f.fileName());
        }
        List<Path> stray = new ArrayList<>();
        for (FileStatus f : fs.listStatus(splitDir)) {
            if (!kept.contains(f.getPath().getName())) {
                stray.add(f.getPath());
            }
        }
        for (Path p : stray) {
            fs.delete(p, true);
        }
    }

    private static void writeRelations(FileSystem fs, DatasetLayout layout, List<RelationType> relations) throws IOException {
        try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(fs.create(layout.relationNames(), true), StandardCharsets.UTF_8))) {
            for (RelationType r : relations) {
                w.write(NameCodec.encode(r.name()));
                w.write('\n');
            }
        }
    }

    private static void report(String split, ImportManifest.SplitInfo info) {
        LOG.info("import {}: {} lines read, {} edges written in {} file(s); {} bad line(s) skipped; {} edge(s) with an entity not in the "
                        + "train dictionary; {} with a relation not in train",
                split, info.linesRead(), info.edges(), info.bucketIndex().files(), info.badLinesSkipped(), info.unknownEntityEdges(),
                info.unknownRelationEdges());
        for (ImportManifest.BadLine b : info.badLineSample()) {
            LOG.warn("import {}: skipped {}", split, b);
        }
        for (String s : info.unknownEntitySample()) {
            LOG.warn("import {}: not mapped (unknown entity): {}", split, s.replace('\t', ' '));
        }
    }
}
