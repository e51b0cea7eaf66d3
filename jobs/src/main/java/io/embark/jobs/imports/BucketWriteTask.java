package io.embark.jobs.imports;

import io.embark.partitioning.Bucket;
import io.embark.partitioning.DatasetLayout;
import io.embark.partitioning.EdgeBucketFormat;
import io.embark.partitioning.EdgeBucketWriter;
import java.io.IOException;
import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;

/**
 * Runs inside a Spark task: streams the task's mapped edges into one {@code .ebk} file per bucket it meets, and
 * counts what it kept, skipped (bad lines, unknown entities or relations). Returns a single {@link TaskReport}.
 *
 * <p>Input columns: rel, lhsPart, lhsOff, rhsPart, rhsOff (null when the entity is not in the dictionary), w,
 * bad, file, pos, text, lhs, rhs.
 */
public final class BucketWriteTask implements FlatMapFunction<Iterator<Row>, TaskReport>, Serializable {

    private static final long serialVersionUID = 1L;

    private final String root;
    private final String split;
    private final HadoopConf conf;
    private final Map<String, Integer> relationIds;
    private final int lhsPartitions;
    private final int rhsPartitions;
    private final boolean weighted;
    private final int sampleSize;

    public BucketWriteTask(String root, String split, HadoopConf conf, Map<String, Integer> relationIds,
                           int lhsPartitions, int rhsPartitions, boolean weighted, int sampleSize) {
        this.root = root;
        this.split = split;
        this.conf = conf;
        this.relationIds = relationIds;
        this.lhsPartitions = lhsPartitions;
        this.rhsPartitions = rhsPartitions;
        this.weighted = weighted;
        this.sampleSize = sampleSize;
    }

    @Override
    public Iterator<TaskReport> call(Iterator<Row> rows) throws IOException {
        TaskReport report = new TaskReport();
        report.relationEdges = new long[relationIds.size()];
        int buckets = lhsPartitions * rhsPartitions;
        EdgeBucketWriter[] writers = new EdgeBucketWriter[buckets];
        String[] paths = new String[buckets];
        int bufferBytes = Math.max(4096, Math.min(1 << 16, (64 << 20) / buckets));
        TaskContext ctx = TaskContext.get();
        String fileName = String.format("part-%05d-a%d%s", ctx == null ? 0 : ctx.partitionId(), ctx == null ? 0 : ctx.attemptNumber(),
                EdgeBucketFormat.FILE_SUFFIX);
        DatasetLayout layout = new DatasetLayout(new Path(root));
        FileSystem fs = layout.root().getFileSystem(conf.get());
        try {
            while (rows.hasNext()) {
                Row r = rows.next();
                report.lines++;
                if (!r.isNullAt(6)) {
                    report.bad++;
                    if (report.badSample.size() < sampleSize) {
                        TaskReport.BadSample s = new TaskReport.BadSample();
                        s.file = r.getString(7);
                        long pos = r.getLong(8);
                        s.line = pos < 0 ? -1 : LineLocator.lineNumber(conf.get(), s.file, pos);
                        s.reason = r.getString(6);
                        s.text = r.getString(9);
                        report.badSample.add(s);
                    }
                    continue;
                }
                Integer rel = relationIds.get(r.getString(0));
                if (rel == null) {
                    report.unknownRelation++;
                    continue;
                }
                if (r.isNullAt(1) || r.isNullAt(3)) {
                    report.unknownEntity++;
                    if (report.unknownEntitySample.size() < sampleSize) {
                        report.unknownEntitySample.add(r.getString(10) + "\t" + r.getString(0) + "\t" + r.getString(11));
                    }
                    continue;
                }
                int lp = r.getInt(1);
                int rp = r.getInt(3);
                int b = lp * rhsPartitions + rp;
                if (writers[b] == null) {
                    Bucket bucket = new Bucket(lp, rp);
                    Path path = new Path(layout.bucketDir(split, bucket), fileName);
                    paths[b] = split + "/" + bucket.dirName() + "/" + fileName;
                    writers[b] = new EdgeBucketWriter(fs.create(path, true), bucket, weighted, bufferBytes);
                }
                writers[b].write(rel, r.getInt(2), r.getInt(4), r.getFloat(5));
                report.edges++;
                report.relationEdges[rel]++;
            }
        } finally {
            for (int b = 0; b < buckets; b++) {
                if (writers[b] != null) {
                    writers[b].close();
                }
            }
        }
        for (int b = 0; b < buckets; b++) {
            if (writers[b] != null) {
                TaskReport.FileEntry f = new TaskReport.FileEntry();
                f.lhsPartition = b / rhsPartitions;
                f.rhsPartition = b % rhsPartitions;
                f.path = "buckets/" + paths[b];
                f.edges = writers[b].count();
                f.crc32c = writers[b].checksum();
                f.bytes = EdgeBucketFormat.HEADER_BYTES + f.edges * EdgeBucketFormat.recordBytes(weighted);
                report.files.add(f);
            }
        }
        return List.of(report).iterator();
    }
}
