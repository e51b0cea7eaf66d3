package io.embark.jobs;

import io.embark.jobs.config.JobConfig;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Starts the Spark session for a command. Under {@code spark-submit} the master and resources come from the
 * submission; run directly (scripts/embark, tests) it uses local mode with every core ({@code local[*]}) and no UI.
 * {@code spark.*} keys of the config are applied last, so a config can set any Spark property.
 */
public final class SparkSessions {

    private SparkSessions() {
    }

    public static SparkSession start(String appName, JobConfig job) {
        SparkConf conf = new SparkConf();
        if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
            conf.setIfMissing("spark.ui.enabled", "false");
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        conf.setAppName("embark " + appName);
        conf.set("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        conf.set("spark.kryo.registrationRequired", "true");
        conf.set("spark.kryo.registrator", KryoRegistration.class.getName());
        conf.setIfMissing("spark.sql.adaptive.enabled", "true");
        conf.setIfMissing("spark.sql.shuffle.partitions", "64");
        // zstd rather than lz4 for shuffle and spill files: the import shuffles every edge up to three times, and zstd's
        // files are about half the size (import peak disk 40 instead of 75 bytes per edge at 10M edges, same speed:
        // docs/BENCHMARKS.md, "scale"), which decides the largest graph a given disk can import.
        conf.setIfMissing("spark.io.compression.codec", "zstd");
        // More input paths than this and Spark lists them with a job of its own, whose tasks ship Hadoop FileStatus
        // object graphs that Kryo with registrationRequired refuses (an import of 100 Parquet files failed on
        // org.apache.hadoop.fs.Path[]): the driver lists its inputs itself, as it does below 32 paths.
        conf.setIfMissing("spark.sql.sources.parallelPartitionDiscovery.threshold", String.valueOf(Integer.MAX_VALUE));
        // No broadcast joins: they collect one side (the entity dictionary) on the driver, whose memory must not
        // grow with the graph.
        conf.setIfMissing("spark.sql.autoBroadcastJoinThreshold", "-1");
        conf.setIfMissing("spark.sql.adaptive.autoBroadcastJoinThreshold", "-1");
        // barrier stages: Spark's own rendezvous waits a year by default; bound it like every other wait between workers
        job.distributed().ifPresent(d -> conf.setIfMissing("spark.barrier.sync.timeout", d.timeoutSeconds() + "s"));
        for (Map.Entry<String, String> e : job.spark().entrySet()) {
            conf.set(e.getKey(), e.getValue());
        }
        SparkSession session = SparkSession.builder().config(conf).getOrCreate();
        // after the session has read the site files and spark.hadoop.* keys, so that anything the user set wins
        HdfsCloseRetry.applyDefaults(session.sparkContext().hadoopConfiguration());
        return session;
    }
}
