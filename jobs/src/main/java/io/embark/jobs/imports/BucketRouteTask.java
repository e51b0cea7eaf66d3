package io.embark.jobs.imports;

import io.embark.partitioning.EdgeBucketFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

/**
 * The map side of writing buckets, inside a Spark task: reads the task's mapped edges, counts what it skips (bad
 * lines, unknown entities or relations), and routes every kept edge to its bucket slot in blocks of ready-made
 * {@code .ebk} records. Emits {@code (slotKey, block)} pairs, then one {@code (REPORT_KEY, serialized TaskReport)} with
 * the task's counts and samples, so that the write side ({@link BucketWriteTask}) receives each bucket slot's edges
 * from every task in one stream, and the counts of every map task exactly once.
 *
 * <p>Slot keys: bucket {@code b = lhsPartition * R + rhsPartition} has {@link BucketSlots#slots()} slots; this task
 * sends its edges of bucket b to key {@code b * slots + (task mod slots)}.
 *
 * <p>Input columns ({@link ImportJob#mapped}): rel (the relation's id, -1 for one train does not have), lhsPart,
 * lhsOff, rhsPart, rhsOff (null when the entity is not in the dictionary), w, bad, file, pos, text, lhs, rhs.
 */
public final class BucketRouteTask implements PairFlatMapFunction<Iterator<Row>, Integer, byte[]>, Serializable {

    private static final long serialVersionUID = 1L;
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    /** What a task may hold in partly filled blocks, over all buckets; a block is never smaller than MIN_BLOCK. */
    static final int BUFFER_BUDGET = 32 << 20;
    static final int MIN_BLOCK = 1 << 10;
    static final int MAX_BLOCK = 256 << 10;

    private final HadoopConf conf;
    private final List<String> relationNames;
    private final BucketSlots slots;
    private final boolean weighted;
    private final int sampleSize;
    private final LongAccumulator routed;

    /** {@code routed} counts the rows the tasks have read, for the driver's progress line. */
    public BucketRouteTask(HadoopConf conf, List<String> relationNames, BucketSlots slots, boolean weighted, int sampleSize,
                           LongAccumulator routed) {
        this.conf = conf;
        this.relationNames = List.copyOf(relationNames);
        this.slots = slots;
        this.weighted = weighted;
        this.sampleSize = sampleSize;
        this.routed = routed;
    }

    /** Block size for a grid of {@code buckets}: the budget shared out, bounded, in whole records. */
    static int blockBytes(int buckets, int record) {
        long share = BUFFER_BUDGET / Math.max(1, buckets);
        int bytes = (int) Math.max(MIN_BLOCK, Math.min(MAX_BLOCK, share));
        return bytes / record * record;
    }

    @Override
    public Iterator<Tuple2<Integer, byte[]>> call(Iterator<Row> rows) {
        TaskContext ctx = TaskContext.get();
        int slot = (ctx == null ? 0 : ctx.partitionId()) % slots.slots();
        return new Router(rows, slot);
    }

    /** Pulls rows only as blocks are asked for, so a task never holds more than one block per bucket. */
    private final class Router implements Iterator<Tuple2<Integer, byte[]>> {
        private final Iterator<Row> rows;
        private final int slot;
        private final int record = EdgeBucketFormat.recordBytes(weighted);
        private final int blockBytes = blockBytes(slots.buckets(), record);
        private final byte[][] blocks = new byte[slots.buckets()][];
        private final int[] filled = new int[slots.buckets()];
        private final ArrayDeque<Tuple2<Integer, byte[]>> ready = new ArrayDeque<>();
        private final TaskReport report = new TaskReport();
        private boolean finished;

        Router(Iterator<Row> rows, int slot) {
            this.rows = rows;
            this.slot = slot;
            report.relationEdges = new long[relationNames.size()];
        }

        @Override
        public boolean hasNext() {
            while (ready.isEmpty() && !finished) {
                if (rows.hasNext()) {
                    route(rows.next());
                } else {
                    finish();
                }
            }
            return !ready.isEmpty();
        }

        @Override
        public Tuple2<Integer, byte[]> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.poll();
        }

        private void route(Row r) {
            report.lines++;
            routed.add(1);
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
                return;
            }
            int rel = r.getInt(0);
            if (rel < 0) {
                report.unknownRelation++;
                return;
            }
            if (r.isNullAt(1) || r.isNullAt(3)) {
                report.unknownEntity++;
                if (report.unknownEntitySample.size() < sampleSize) {
                    report.unknownEntitySample.add(r.getString(10) + "\t" + relationNames.get(rel) + "\t" + r.getString(11));
                }
                return;
            }
            int b = slots.bucket(r.getInt(1), r.getInt(3));
            byte[] block = blocks[b];
            if (block == null) {
                block = blocks[b] = new byte[blockBytes];
            }
            int at = filled[b];
            INT.set(block, at, rel);
            INT.set(block, at + 4, r.getInt(2));
            INT.set(block, at + 8, r.getInt(4));
            if (weighted) {
                FLOAT.set(block, at + 12, r.getFloat(5));
            }
            filled[b] = at + record;
            report.edges++;
            report.relationEdges[rel]++;
            if (filled[b] == block.length) {
                ready.add(new Tuple2<>(slots.key(b, slot), block));
                blocks[b] = null;
                filled[b] = 0;
            }
        }

        private void finish() {
            finished = true;
            for (int b = 0; b < blocks.length; b++) {
                if (filled[b] > 0) {
                    byte[] block = blocks[b];
                    ready.add(new Tuple2<>(slots.key(b, slot), filled[b] == block.length ? block : Arrays.copyOf(block, filled[b])));
                }
                blocks[b] = null;
            }
            ready.add(new Tuple2<>(BucketSlots.REPORT_KEY, serialize(report)));
        }
    }

    static byte[] serialize(TaskReport report) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(report);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
