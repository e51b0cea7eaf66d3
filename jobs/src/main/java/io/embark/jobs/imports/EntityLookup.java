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
    /** Memory an entity takes in the tables, besides its name's characters: the estimate docs/configuration.md gives. */
    static final int BYTES_PER_ENTITY = 80;

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
        NameTable[] tables = tables();
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
                long l = tables[r.getInt(0)].get(lhs);
                long h = tables[r.getInt(3)].get(rhs);
                return RowFactory.create(relationIds.getOrDefault(r.getString(2), -1),
                        l < 0 ? null : (int) (l >>> 32), l < 0 ? null : (int) l,
                        h < 0 ? null : (int) (h >>> 32), h < 0 ? null : (int) h,
                        w, null, null, pos, r.getString(9), lhs, rhs);
            }
        };
    }

    /** This import's tables, loaded by the first task of the executor that needs them. */
    private NameTable[] tables() throws IOException {
        synchronized (EntityLookup.class) {
            if (loaded == null || !loaded.root.equals(root)) {
                loaded = null;
                loaded = new Loaded(root, load());
            }
            return loaded.tables;
        }
    }

    /** Frees this JVM's tables (the driver's, in local mode) once an import is done with them. */
    public static void release() {
        synchronized (EntityLookup.class) {
            loaded = null;
        }
    }

    private NameTable[] load() throws IOException {
        DatasetLayout layout = new DatasetLayout(new Path(root));
        FileSystem fs = layout.root().getFileSystem(conf.get());
        NameTable[] tables = new NameTable[typeNames.length];
        for (int t = 0; t < typeNames.length; t++) {
            NameTable table = new NameTable((int) counts[t]);
            for (int p = 0; p < partitions[t]; p++) {
                Path file = layout.entityNames(typeNames[t], p);
                try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(file), StandardCharsets.UTF_8), 1 << 16)) {
                    int off = 0;
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        if (!table.put(NameCodec.decode(line), ((long) p << 32) | off)) {
                            throw new IllegalStateException(file + ": line " + (off + 1) + " repeats a name of entity type " + typeNames[t]);
                        }
                        off++;
                    }
                }
            }
            if (table.size() != counts[t]) {
                throw new IllegalStateException("entity type " + typeNames[t] + ": its files under " + layout.entityDir(typeNames[t])
                        + " hold " + table.size() + " names, the dictionary counted " + counts[t]);
            }
            tables[t] = table;
        }
        return tables;
    }

    private record Loaded(String root, NameTable[] tables) {
    }

    /**
     * Names to (partition << 32 | offset), open addressing with linear probing over a power-of-two slot array that is
     * at most half full: about {@link #BYTES_PER_ENTITY} bytes per entity with its name's String.
     */
    static final class NameTable {
        private final String[] names;
        private final long[] values;
        private final int[] slots;
        private final int mask;
        private int size;

        NameTable(int capacity) {
            names = new String[Math.max(1, capacity)];
            values = new long[names.length];
            int n = Integer.highestOneBit(Math.max(2, names.length) * 2 - 1) << 1;
            slots = new int[n];
            mask = n - 1;
        }

        int size() {
            return size;
        }

        /** Adds a name; false when it is there already. */
        boolean put(String name, long value) {
            if (size == names.length) {
                throw new IllegalStateException("more names than the " + names.length + " the dictionary counted");
            }
            int i = spread(name.hashCode()) & mask;
            for (int s = slots[i]; s != 0; s = slots[i]) {
                if (names[s - 1].equals(name)) {
                    return false;
                }
                i = (i + 1) & mask;
            }
            names[size] = name;
            values[size] = value;
            slots[i] = ++size;
            return true;
        }

        /** The name's value, or -1 when it is not in the table. */
        long get(String name) {
            int i = spread(name.hashCode()) & mask;
            for (int s = slots[i]; s != 0; s = slots[i]) {
                if (names[s - 1].equals(name)) {
                    return values[s - 1];
                }
                i = (i + 1) & mask;
            }
            return -1;
        }

        private static int spread(int h) {
            h *= 0x9E3779B9;
            return h ^ (h >>> 16);
        }
    }
}
