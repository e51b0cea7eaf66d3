package io.embark.jobs.imports;

import io.embark.jobs.config.ConfigException;
import io.embark.partitioning.BucketIndex;
import io.embark.partitioning.DatasetLayout;
import io.embark.partitioning.EntityType;
import io.embark.partitioning.GraphSchema;
import io.embark.partitioning.ImportManifest;
import io.embark.partitioning.ImportedGraph;
import io.embark.partitioning.NameCodec;
import io.embark.partitioning.OwnChecksums;
import io.embark.partitioning.RelationType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * The dataset an import extends ({@code import.base}): opened and checked against this import's config (same entity
 * types and partition counts, relations that agree), then read as the start of the new dataset: its dictionary as
 * rows (every entity keeps its partition and offset), its relations first (they keep their ids), and, in append mode,
 * its bucket files copied next to the new ones. The base is only read, never written.
 */
final class BaseDataset {

    private final String given;
    private final Path root;
    private final ImportedGraph graph;

    private BaseDataset(String given, Path root, ImportedGraph graph) {
        this.given = given;
        this.root = root;
        this.graph = graph;
    }

    /** Opens {@code base} and checks it against the schema; {@code target} is where the new dataset goes. */
    static BaseDataset open(Configuration conf, String base, Path target, GraphSchema schema) throws IOException {
        Path root = new Path(base);
        FileSystem fs = root.getFileSystem(conf);
        root = fs.makeQualified(root);
        if (root.equals(target.getFileSystem(conf).makeQualified(target))) {
            throw new ConfigException("import.base: " + base + " is this import's own output directory: the base is never modified;"
                    + " import the new edges into another workspace");
        }
        if (!fs.exists(root)) {
            throw new ConfigException("import.base: " + base + " does not exist (expected the directory of an imported dataset,"
                    + " WORKSPACE/graph of an earlier import)");
        }
        ImportedGraph graph;
        try {
            graph = ImportedGraph.open(fs, root);
        } catch (IOException e) {
            throw new ConfigException("import.base: " + e.getMessage());
        }
        BaseDataset b = new BaseDataset(base, root, graph);
        b.check(schema);
        return b;
    }

    private void check(GraphSchema schema) {
        ImportManifest m = graph.manifest();
        List<String> baseTypes = m.entityTypes().stream().map(ImportManifest.EntityTypeInfo::name).sorted().toList();
        List<String> types = schema.entityTypes().keySet().stream().sorted().toList();
        if (!baseTypes.equals(types)) {
            throw new ConfigException("graph.entities: entity types " + types + ", but the base dataset (import.base = " + given
                    + ") has " + baseTypes + ": a dataset extending it has the same types");
        }
        for (EntityType t : schema.entityTypes().values()) {
            int basePartitions = m.entityType(t.name()).partitions();
            if (basePartitions != t.partitions()) {
                throw new ConfigException("graph.entities." + t.name() + ".partitions: " + t.partitions() + ", but the base dataset"
                        + " (import.base = " + given + ") has " + basePartitions + ": a dataset extending it keeps its partitions");
            }
        }
        if (schema.isDynamic() != m.dynamicRelations()) {
            throw new ConfigException("graph.relations.dynamic: " + schema.isDynamic() + ", but the base dataset (import.base = " + given
                    + ") was imported with " + m.dynamicRelations());
        }
        for (ImportManifest.RelationInfo r : m.relations()) {
            RelationType template = schema.dynamicTemplate().orElse(null);
            if (template != null && (!template.lhsType().equals(r.lhsType()) || !template.rhsType().equals(r.rhsType()))) {
                throw new ConfigException("graph.relations.lhs, graph.relations.rhs: " + template.lhsType() + " -> " + template.rhsType()
                        + ", but the base dataset's relations (import.base = " + given + ") go " + r.lhsType() + " -> " + r.rhsType());
            }
            RelationType mine = schema.relation(r.name()).orElse(null);
            if (mine != null && (!mine.lhsType().equals(r.lhsType()) || !mine.rhsType().equals(r.rhsType()))) {
                throw new ConfigException("graph.relations.types." + r.name() + ": " + mine.lhsType() + " -> " + mine.rhsType()
                        + ", but in the base dataset (import.base = " + given + ") it is " + r.lhsType() + " -> " + r.rhsType());
            }
        }
    }

    String given() {
        return given;
    }

    /** The base's directory, qualified (scheme and authority): what the new dataset's lineage records. */
    String location() {
        return root.toString();
    }

    ImportManifest manifest() {
        return graph.manifest();
    }

    /**
     * The relations of the new dataset: the base's first (same ids), then the ones it lacks, in the order given:
     * {@code candidates} are the config's listed relations, or the new data's relation names (sorted) when dynamic.
     */
    List<RelationType> relations(List<RelationType> candidates) {
        List<RelationType> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (ImportManifest.RelationInfo r : graph.manifest().relations()) {
            out.add(new RelationType(r.name(), r.lhsType(), r.rhsType()));
            seen.add(r.name());
        }
        for (RelationType r : candidates) {
            if (seen.add(r.name())) {
                out.add(r);
            }
        }
        return out;
    }

    /** Entities of each type in the base, in the order of {@code types}. */
    long[] counts(List<EntityType> types) {
        return types.stream().mapToLong(t -> graph.manifest().entityType(t.name()).count()).toArray();
    }

    /** Training edges of each relation in the base, by id. */
    long relationEdges(int id) {
        return graph.manifest().relations().get(id).edges();
    }

    /**
     * The base's dictionary as rows of {@link DictionaryBuilder#SCHEMA} (type index in {@code types}' order, name,
     * partition, offset): one Spark task per entity file, streamed, its line count checked against the manifest.
     */
    Dataset<Row> dictionary(SparkSession spark, List<EntityType> types, HadoopConf conf) {
        List<long[]> files = new ArrayList<>();
        for (int t = 0; t < types.size(); t++) {
            long[] counts = graph.manifest().entityType(types.get(t).name()).partitionCounts();
            for (int p = 0; p < counts.length; p++) {
                files.add(new long[] {t, p, counts[p]});
            }
        }
        String[] names = types.stream().map(EntityType::name).toArray(String[]::new);
        String dir = root.toString();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return spark.createDataFrame(sc.parallelize(files, Math.max(1, files.size()))
                .flatMap(f -> new EntityRows(new DatasetLayout(new Path(dir)), names, f, conf)), DictionaryBuilder.SCHEMA);
    }

    /** One entity file's names as dictionary rows, offset = line number. */
    private static final class EntityRows implements Iterator<Row> {
        private final BufferedReader in;
        private final Path path;
        private final int type;
        private final int part;
        private final long expected;
        private int offset;
        private String next;

        EntityRows(DatasetLayout layout, String[] names, long[] file, HadoopConf conf) throws IOException {
            type = (int) file[0];
            part = (int) file[1];
            expected = file[2];
            path = layout.entityNames(names[type], part);
            in = new BufferedReader(new InputStreamReader(path.getFileSystem(conf.get()).open(path), StandardCharsets.UTF_8), 1 << 16);
            advance();
        }

        private void advance() {
            try {
                next = in.readLine();
                if (next == null) {
                    in.close();
                    if (offset != expected) {
                        throw new IOException(path + ": " + offset + " names where the base's manifest records " + expected
                                + ": the base dataset is damaged; re-import it");
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public Row next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            Row r = RowFactory.create(type, NameCodec.decode(next), part, offset++);
            advance();
            return r;
        }
    }

    /**
     * Copies the base's bucket files of {@code split} into the new dataset under {@code layout}, as slots numbered from
     * {@code firstSlot} on (after the new edges' own slots), one Spark task per file, and returns their index entries.
     * The bytes are copied as they are: the entries keep their CRC32C, which every later read checks.
     */
    List<BucketIndex.Entry> copyBuckets(SparkSession spark, String split, DatasetLayout layout, int firstSlot, HadoopConf conf)
            throws IOException {
        List<BucketIndex.Entry> base = graph.bucketIndex(split).entries();
        List<BucketIndex.Entry> moved = new ArrayList<>();
        List<String[]> copies = new ArrayList<>();
        DatasetLayout from = graph.layout();
        for (BucketIndex.Entry e : base) {
            BucketIndex.Entry m = new BucketIndex.Entry(e.lhsPartition(), e.rhsPartition(), firstSlot + e.slot(), e.attempt(), e.edges(),
                    e.crc32c());
            moved.add(m);
            copies.add(new String[] {from.bucketFile(split, e.bucket(), e.slot(), e.attempt()).toString(),
                    layout.bucketFile(split, m.bucket(), m.slot(), m.attempt()).toString()});
        }
        if (!copies.isEmpty()) {
            JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(copies, Math.min(copies.size(), 256)).foreach(c -> {
                Path src = new Path(c[0]);
                Path dst = new Path(c[1]);
                // bucket files carry their CRC32C in the index: no .crc sidecars (OwnChecksums), as the import writes them
                if (!FileUtil.copy(OwnChecksums.fileSystem(src.getFileSystem(conf.get())), src,
                        OwnChecksums.fileSystem(dst.getFileSystem(conf.get())), dst, false, true, conf.get())) {
                    throw new IOException("could not copy the base's bucket file " + src + " to " + dst);
                }
            });
        }
        return moved;
    }

    /** The split's counts in the base, for a new dataset that holds its edges too. */
    ImportManifest.SplitInfo split(String split) {
        return graph.manifest().splits().get(split);
    }

    /** Names of the base's splits. */
    Set<String> splits() {
        return graph.manifest().splits().keySet();
    }

    /** {type name -> new entity count} for the lineage record. */
    static Map<String, Long> byType(List<EntityType> types, long[] counts) {
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        for (int t = 0; t < types.size(); t++) {
            out.put(types.get(t).name(), counts[t]);
        }
        return out;
    }
}
