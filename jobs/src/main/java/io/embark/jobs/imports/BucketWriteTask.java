package io.embark.jobs.imports;

import io.embark.partitioning.Bucket;
import io.embark.partitioning.DatasetLayout;
import io.embark.partitioning.EdgeBucketWriter;
import io.embark.partitioning.OwnChecksums;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import scala.Tuple2;

/**
 * The write side of the import, inside a Spark task: receives its range of bucket slot keys, sorted by key, as
 * blocks of {@code .ebk} records from every input task ({@link BucketRouteTask}), and writes each slot as one file,
 * with one output stream open at a time whatever the grid's size. Merges the input tasks' reports it receives
 * (writer 0 gets them all) with the files it wrote into one {@link TaskReport}.
 *
 * <p>File names carry Spark's task attempt id, unique within the application, so that a retried or speculative attempt
 * never overwrites a file another attempt is writing; the driver keeps the files the successful attempts report and
 * deletes the rest.
 */
public final class BucketWriteTask implements FlatMapFunction<Iterator<Tuple2<Integer, byte[]>>, TaskReport>, Serializable {

    private static final long serialVersionUID = 1L;

    private final String root;
    private final String split;
    private final HadoopConf conf;
    private final BucketSlots slots;
    private final boolean weighted;
    private final int relations;
    private final int sampleSize;

    public BucketWriteTask(String root, String split, HadoopConf conf, BucketSlots slots, boolean weighted, int relations,
                           int sampleSize) {
        this.root = root;
        this.split = split;
        this.conf = conf;
        this.slots = slots;
        this.weighted = weighted;
        this.relations = relations;
        this.sampleSize = sampleSize;
    }

    @Override
    public Iterator<TaskReport> call(Iterator<Tuple2<Integer, byte[]>> blocks) throws IOException {
        TaskReport report = new TaskReport();
        report.relationEdges = new long[relations];
        TaskContext ctx = TaskContext.get();
        long attempt = ctx == null ? 0 : ctx.taskAttemptId();
        DatasetLayout layout = new DatasetLayout(new Path(root));
        // a bucket's CRC32C goes into the index, and every read checks it: no .crc sidecars (OwnChecksums)
        FileSystem fs = OwnChecksums.fileSystem(layout.root().getFileSystem(conf.get()));
        int key = Integer.MIN_VALUE;
        EdgeBucketWriter writer = null;
        try {
            while (blocks.hasNext()) {
                Tuple2<Integer, byte[]> t = blocks.next();
                if (t._1() == BucketSlots.REPORT_KEY) {
                    merge(report, read(t._2()));
                    continue;
                }
                if (t._1() != key) {
                    if (t._1() < key) {
                        throw new IllegalStateException("bucket slot keys arrived out of order: " + t._1() + " after " + key);
                    }
                    finish(writer, key, attempt, report);
                    key = t._1();
                    Bucket bucket = new Bucket(slots.lhsPartitionOf(key), slots.rhsPartitionOf(key));
                    Path path = layout.bucketFile(split, bucket, slots.slotOf(key), attempt);
                    writer = new EdgeBucketWriter(fs.create(path, true), bucket, weighted);
                }
                writer.writeRecords(t._2(), 0, t._2().length);
            }
            finish(writer, key, attempt, report);
            writer = null;
        } finally {
            if (writer != null) {
                writer.close();
            }
        }
        return List.of(report).iterator();
    }

    private void finish(EdgeBucketWriter writer, int key, long attempt, TaskReport report) throws IOException {
        if (writer == null) {
            return;
        }
        writer.close();
        TaskReport.FileEntry f = new TaskReport.FileEntry();
        f.lhsPartition = slots.lhsPartitionOf(key);
        f.rhsPartition = slots.rhsPartitionOf(key);
        f.slot = slots.slotOf(key);
        f.attempt = attempt;
        f.edges = writer.count();
        f.crc32c = writer.checksum();
        report.files.add(f);
    }

    private static TaskReport read(byte[] bytes) throws IOException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return (TaskReport) in.readObject();
        } catch (ClassNotFoundException e) {
            throw new IOException("an import task's report could not be read", e);
        }
    }

    private void merge(TaskReport into, TaskReport r) {
        into.lines += r.lines;
        into.edges += r.edges;
        into.bad += r.bad;
        into.unknownEntity += r.unknownEntity;
        into.unknownRelation += r.unknownRelation;
        for (int i = 0; i < into.relationEdges.length; i++) {
            into.relationEdges[i] += r.relationEdges[i];
        }
        for (TaskReport.BadSample s : r.badSample) {
            if (into.badSample.size() < sampleSize) {
                into.badSample.add(s);
            }
        }
        for (String s : r.unknownEntitySample) {
            if (into.unknownEntitySample.size() < sampleSize) {
                into.unknownEntitySample.add(s);
            }
        }
    }
}
