package io.embark.jobs.export;

import io.embark.embedding.storage.EmbeddingTable;
import io.embark.partitioning.NameCodec;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.util.LongAccumulator;

/**
 * Writes each (entity type, partition) of its Spark partition as {@code DIR/TYPE/part-NNNNN.tsv}: one line per entity,
 * the name ({@link NameCodec}-escaped, so tabs and newlines in names cannot break a line) then the vector's values,
 * tab-separated, each written as the shortest decimal that reads back as the same float. Returns the rows written, and
 * adds each row to a counter as it goes, for the driver's progress line.
 */
final class TsvPartitionWriter implements FlatMapFunction<Iterator<int[]>, long[]> {

    private static final long serialVersionUID = 1L;

    private final PartitionSource source;
    private final String dir;
    private final LongAccumulator rows;

    TsvPartitionWriter(PartitionSource source, String dir, LongAccumulator rows) {
        this.source = source;
        this.dir = dir;
        this.rows = rows;
    }

    static Path file(Path dir, String type, int partition) {
        return new Path(new Path(dir, type), String.format("part-%05d.tsv", partition));
    }

    @Override
    public Iterator<long[]> call(Iterator<int[]> keys) throws Exception {
        List<long[]> written = new ArrayList<>();
        while (keys.hasNext()) {
            PartitionSource.Partition p = source.load(keys.next());
            Path out = file(new Path(dir), p.type(), p.partition());
            FileSystem fs = out.getFileSystem(source.hadoopConf());
            EmbeddingTable t = p.table();
            int d = t.dim();
            try (Writer w = new BufferedWriter(new OutputStreamWriter(fs.create(out, true), StandardCharsets.UTF_8), 1 << 20)) {
                for (int j = 0; j < p.names().size(); j++) {
                    w.write(NameCodec.encode(p.names().get(j)));
                    float[] data = t.data(j);
                    int off = t.dataOffset(j);
                    for (int k = 0; k < d; k++) {
                        w.write('\t');
                        w.write(Float.toString(data[off + k]));
                    }
                    w.write('\n');
                    rows.add(1);
                }
            }
            written.add(new long[] {p.names().size()});
        }
        return written.iterator();
    }
}
