package io.embark.jobs.imports;

import io.embark.partitioning.DatasetLayout;
import io.embark.partitioning.NameCodec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The map-side way of giving edges their entity ids, for dictionaries small enough to sit in each executor's memory
 * ({@code import.mapSideDictionary}): every task looks the names of its raw edges ({@link RawEdges#SCHEMA}) up in
 * tables that its executor loads once from the entity files this import has just written (from the file system,
 * never through the driver), and emits the rows {@link ImportJob#mapped} would have produced, without the two
 * shuffles of every edge that joining with the dictionary costs.
 *
 * <p>Output columns, as {@link BucketRouteTask} reads them: rel (the relation's id, -1 for one train does not have,
 * null on a bad line), lhsPart, lhsOff, rhsPart, rhsOff (null for an entity not in the dictionary), w, bad, file (bad
 * lines only), pos, text, lhs, rhs.
 */
public final class EntityLookup implements FlatMapFunction<Iterator<Row>, Row>, Serializable {

    private static final long serialVersionUID = 1L;
    /** The tables of the one import an executor is working on; replaced when another import's tasks arrive. */
    private static Loaded loaded;

    private final String root;
    private final String[] typeNames;
    private final int[] partitions;
    private final long[] counts;
    private final List<String> relationNames;
    private final HadoopConf conf;

    /**
     * {@code root}: the import's (temporary) dataset directory, whose entity files are complete; {@code counts}: the
     * entities of each type, as the manifest will give them.
     */
    public EntityLookup(String root, String[] typeNames, int[] partitions, long[] counts, List<String> relationNames, HadoopConf conf) {
        this.root = root;
        this.typeNames = typeNames.clone();
        this.partitions = partitions.clone();
        this.counts = counts.clone();
        this.relationNames = List.copyOf(relationNames);
        this.conf = conf;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> raw) throws IOException {
        NameTable table = table();
        Map<String, Integer> relationIds = new HashMap<>();
        for (int i = 0; i < relationNames.size(); i++) {
            relationIds.put(relationNames.get(i), i);
        }
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return raw.hasNext();
            }

            @Override
            public Row next() {
                if (!raw.hasNext()) {
                    throw new NoSuchElementException();
                }
                Row r = raw.next();
                float w = r.getFloat(5);
                long pos = r.getLong(8);
                if (!r.isNullAt(6)) {
                    return RowFactory.create(null, null, null, null, null, w, r.getString(6), r.getString(7), pos, r.getString(9), null, null);
                }
                String lhs = r.getString(1);
                String rhs = r.getString(4);
                int li = table.find(r.getInt(0), lhs);
                int hi = table.find(r.getInt(3), rhs);
                long l = li < 0 ? -1 : table.value(li);
                long h = hi < 0 ? -1 : table.value(hi);
                return RowFactory.create(relationIds.getOrDefault(r.getString(2), -1),
                        l < 0 ? null : (int) (l >>> 32), l < 0 ? null : (int) l,
                        h < 0 ? null : (int) (h >>> 32), h < 0 ? null : (int) h,
                        w, null, null, pos, r.getString(9), lhs, rhs);
            }
        };
    }

    /** This import's table, loaded by the first task of the executor that needs it. */
    private NameTable table() throws IOException {
        synchronized (EntityLookup.class) {
            if (loaded == null || !loaded.root.equals(root)) {
                loaded = null;  // the previous import's table goes before this one is loaded
                loaded = new Loaded(root, load());
            }
            return loaded.table;
        }
    }

    /** Frees this JVM's tables (the driver's, in local mode) once an import is done with them. */
    public static void release() {
        synchronized (EntityLookup.class) {
            loaded = null;
        }
    }

    private NameTable load() throws IOException {
        DatasetLayout layout = new DatasetLayout(new Path(root));
        FileSystem fs = layout.root().getFileSystem(conf.get());
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        NameTable table = new NameTable((int) total);
        for (int t = 0; t < typeNames.length; t++) {
            int before = table.size();
            for (int p = 0; p < partitions[t]; p++) {
                Path file = layout.entityNames(typeNames[t], p);
                try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(file), StandardCharsets.UTF_8), 1 << 16)) {
                    int off = 0;
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        String name = NameCodec.decode(line);
                        if (table.find(t, name) >= 0) {
                            throw new IllegalStateException(file + ": line " + (off + 1) + " repeats a name of entity type " + typeNames[t]);
                        }
                        if (table.full()) {
                            throw new IllegalStateException(file + ": more names under " + layout.entityDir(typeNames[t])
                                    + " and the other types' directories than the " + total + " the dictionary counted");
                        }
                        table.add(t, name, ((long) p << 32) | off);
                        off++;
                    }
                }
            }
            if (table.size() - before != counts[t]) {
                throw new IllegalStateException("entity type " + typeNames[t] + ": its files under " + layout.entityDir(typeNames[t])
                        + " hold " + (table.size() - before) + " names, the dictionary counted " + counts[t]);
            }
        }
        return table;
    }

    private record Loaded(String root, NameTable table) {
    }
}
