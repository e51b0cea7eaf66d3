package io.embark.jobs.imports;

import io.embark.partitioning.DatasetLayout;
import io.embark.partitioning.NameCodec;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;

/**
 * Runs inside a Spark task over dictionary rows (type, name, part, off) grouped by (type, part) and sorted by
 * offset: writes each group as {@code entities/TYPE/part-NNNNN.txt}, one escaped name per line, checking that the
 * offsets run 0, 1, 2, ... Returns {type, part, count} per file written.
 */
public final class EntityFileTask implements FlatMapFunction<Iterator<Row>, long[]>, Serializable {

    private static final long serialVersionUID = 1L;

    private final String root;
    private final String[] typeNames;
    private final HadoopConf conf;

    public EntityFileTask(String root, String[] typeNames, HadoopConf conf) {
        this.root = root;
        this.typeNames = typeNames;
        this.conf = conf;
    }

    @Override
    public Iterator<long[]> call(Iterator<Row> rows) throws IOException {
        DatasetLayout layout = new DatasetLayout(new Path(root));
        FileSystem fs = layout.root().getFileSystem(conf.get());
        List<long[]> written = new ArrayList<>();
        BufferedWriter out = null;
        int type = -1;
        int part = -1;
        long count = 0;
        try {
            while (rows.hasNext()) {
                Row r = rows.next();
                if (r.getInt(0) != type || r.getInt(2) != part) {
                    if (out != null) {
                        out.close();
                        written.add(new long[] {type, part, count});
                    }
                    type = r.getInt(0);
                    part = r.getInt(2);
                    count = 0;
                    out = new BufferedWriter(new OutputStreamWriter(
                            fs.create(layout.entityNames(typeNames[type], part), true), StandardCharsets.UTF_8), 1 << 16);
                }
                if (r.getInt(3) != count) {
                    throw new IllegalStateException("dictionary of type " + typeNames[type] + " partition " + part
                            + ": offset " + r.getInt(3) + " where " + count + " was expected");
                }
                out.write(NameCodec.encode(r.getString(1)));
                out.write('\n');
                count++;
            }
            if (out != null) {
                out.close();
                out = null;
                written.add(new long[] {type, part, count});
            }
        } finally {
            if (out != null) {
                out.close();
            }
        }
        return written.iterator();
    }
}
