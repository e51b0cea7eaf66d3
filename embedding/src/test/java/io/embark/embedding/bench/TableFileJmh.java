package io.embark.embedding.bench;

import io.embark.embedding.storage.Crc32cInputStream;
import io.embark.embedding.storage.EmbeddingTable;
import io.embark.embedding.storage.TableFormat;
import io.embark.partitioning.OwnChecksums;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Writing and reading a checkpoint table ({@link TableFormat}, with its CRC32C trailer) on the local file system,
 * through Hadoop's checksummed {@code LocalFileSystem} ({@code .crc} sidecars: a second checksum over every 512 bytes)
 * and past it ({@link OwnChecksums}, as checkpoints are written now). The table is the 4-partition d-100 benchmark's
 * (560,000 rows x 100, 226 MB with its row-wise Adagrad state); the files go to {@code work/bench-table-file} (the page
 * cache, on a disk with room). {@code scripts/bench-kernels.sh TableFileJmh}; results in docs/BENCHMARKS.md ("Files
 * past Hadoop's checksum layer").
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g"})
public class TableFileJmh {

    @Param({"checksummed", "raw"})
    public String fileSystem;

    @Param({"560000"})
    public int rows;

    @Param({"100"})
    public int dim;

    private FileSystem fs;
    private Path dir;
    private Path file;
    private EmbeddingTable table;
    private long length;

    @Setup
    public void setUp() throws IOException {
        FileSystem local = FileSystem.getLocal(new Configuration());
        fs = fileSystem.equals("raw") ? OwnChecksums.fileSystem(local) : local;
        dir = new Path(new java.io.File("work/bench-table-file").getAbsolutePath());
        local.delete(dir, true);
        local.mkdirs(dir);
        file = new Path(dir, "part-00000.emb");
        table = EmbeddingTable.random("e", 0, rows, dim, 0.001, new SplittableRandom(1));
        write();
        length = fs.getFileStatus(file).getLen();
    }

    @TearDown
    public void tearDown() throws IOException {
        FileSystem.getLocal(new Configuration()).delete(dir, true);
    }

    @Benchmark
    public long write() throws IOException {
        try (OutputStream out = new BufferedOutputStream(fs.create(file, true), 1 << 20)) {
            return TableFormat.write(table, out).crc32c();
        }
    }

    @Benchmark
    public int read() throws IOException {
        try (Crc32cInputStream in = new Crc32cInputStream(new BufferedInputStream(fs.open(file), 1 << 20), length, file.toString())) {
            return TableFormat.read("e", 0, in).rows();
        }
    }
}
