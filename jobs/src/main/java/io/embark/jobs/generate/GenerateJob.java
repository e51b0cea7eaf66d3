package io.embark.jobs.generate;

import io.embark.embedding.progress.ProgressLog;
import io.embark.jobs.config.GenerateConfig;
import io.embark.jobs.config.InputFormat;
import io.embark.jobs.imports.HadoopConf;
import io.embark.jobs.progress.StageProgress;
import io.embark.partitioning.AtomicDirectory;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code generate} command: writes {@code OUTPUT/train/}, and {@code valid/}, {@code test/} when their
 * fractions are set, as {@code lhs TAB relation TAB rhs} lines (names {@code n<id>} and {@code r<k>}) or as Parquet
 * with columns lhs, relation, rhs. One Spark task per file; committed atomically.
 */
public final class GenerateJob {

    private static final Logger LOG = LoggerFactory.getLogger(GenerateJob.class);
    private static final String[] SPLITS = {"train", "valid", "test"};

    private GenerateJob() {
    }

    /** Writes the configured graph; logs the edges written every {@code progress.interval()} while the tasks run. */
    public static void run(SparkSession spark, GenerateConfig cfg, ProgressLog progress) throws IOException {
        Path target = new Path(cfg.output());
        FileSystem fs = target.getFileSystem(spark.sparkContext().hadoopConfiguration());
        AtomicDirectory out = AtomicDirectory.begin(fs, target, cfg.overwrite(), "generate.overwrite");
        try {
            long start = System.nanoTime();
            try (StageProgress written = StageProgress.counting(spark, progress, "generate", "edges", OptionalLong.of(cfg.edges()))) {
                if (cfg.format() == InputFormat.PARQUET) {
                    writeParquet(spark, cfg, out.path(), written.counter());
                } else {
                    writeText(spark, cfg, out.path(), written.counter());
                }
            }
            out.commit();
            LOG.info("generate: {} {} edges over {} nodes and {} relation(s) written to {} in {} s", cfg.edges(), cfg.model(), cfg.nodes(),
                    cfg.relations(), target, String.format("%.1f", (System.nanoTime() - start) / 1e9));
        } catch (Exception e) {
            // Spark's SparkException is checked but undeclared: catch everything so the temporary output always goes.
            out.abort();
            if (e instanceof IOException io) {
                throw io;
            }
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException("generate failed: " + e.getMessage(), e);
        }
    }

    private static List<Integer> slices(GenerateConfig cfg) {
        List<Integer> s = new ArrayList<>();
        for (int i = 0; i < cfg.files(); i++) {
            s.add(i);
        }
        return s;
    }

    private static long sliceEdges(GenerateConfig cfg, int slice) {
        return cfg.edges() / cfg.files() + (slice < cfg.edges() % cfg.files() ? 1 : 0);
    }

    private static void writeText(SparkSession spark, GenerateConfig cfg, Path root, LongAccumulator written) {
        HadoopConf conf = HadoopConf.of(spark.sparkContext().hadoopConfiguration());
        EdgeGenerator gen = new EdgeGenerator(cfg);
        String rootString = root.toString();
        JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(slices(cfg), cfg.files())
                .foreach(slice -> {
                    FileSystem fs = new Path(rootString).getFileSystem(conf.get());
                    BufferedWriter[] writers = new BufferedWriter[3];
                    try {
                        SplittableRandom rnd = gen.random(slice);
                        long n = sliceEdges(cfg, slice);
                        StringBuilder line = new StringBuilder(64);
                        for (long i = 0; i < n; i++) {
                            EdgeGenerator.Edge e = gen.next(rnd);
                            int split = gen.split(rnd);
                            if (writers[split] == null) {
                                Path p = new Path(new Path(rootString, SPLITS[split]), String.format("part-%05d.tsv", slice));
                                writers[split] = new BufferedWriter(new OutputStreamWriter(fs.create(p, true), StandardCharsets.UTF_8), 1 << 16);
                            }
                            line.setLength(0);
                            line.append('n').append(e.lhs()).append("\tr").append(e.relation()).append("\tn").append(e.rhs()).append('\n');
                            writers[split].append(line);
                            written.add(1);
                        }
                    } finally {
                        for (BufferedWriter w : writers) {
                            if (w != null) {
                                w.close();
                            }
                        }
                    }
                });
    }

    private static void writeParquet(SparkSession spark, GenerateConfig cfg, Path root, LongAccumulator written) {
        EdgeGenerator gen = new EdgeGenerator(cfg);
        StructType schema = new StructType()
                .add("lhs", DataTypes.StringType, false)
                .add("relation", DataTypes.StringType, false)
                .add("rhs", DataTypes.StringType, false);
        for (int split = 0; split < 3; split++) {
            if ((split == 1 && cfg.validFraction() == 0) || (split == 2 && cfg.testFraction() == 0)) {
                continue;
            }
            int wanted = split;
            var rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
                    .parallelize(slices(cfg), cfg.files())
                    .flatMap(slice -> splitRows(gen, gen.random(slice), sliceEdges(cfg, slice), wanted, written));
            spark.createDataFrame(rows, schema).write().parquet(new Path(root, SPLITS[split]).toString());
        }
    }

    /**
     * The rows of split {@code wanted} among the {@code n} edges drawn from {@code rnd}, drawn lazily as Spark's writer
     * asks: a slice of tens of millions of edges never sits in memory (a list of them did, and ran out of heap at
     * 10M edges per file).
     */
    private static Iterator<Row> splitRows(EdgeGenerator gen, SplittableRandom rnd, long n, int wanted, LongAccumulator written) {
        return new Iterator<>() {
            private long drawn;
            private Row next;

            @Override
            public boolean hasNext() {
                while (next == null && drawn < n) {
                    EdgeGenerator.Edge e = gen.next(rnd);
                    drawn++;
                    if (gen.split(rnd) == wanted) {
                        next = RowFactory.create("n" + e.lhs(), "r" + e.relation(), "n" + e.rhs());
                        written.add(1);
                    }
                }
                return next != null;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Row r = next;
                next = null;
                return r;
            }
        };
    }
}
