package io.embark.jobs;

import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;

/**
 * How soon an HDFS client asks the NameNode again when it closes a file (or adds a block) before the DataNodes have
 * reported the last block. The client's first {@code complete} call often reaches the NameNode before the DataNode's
 * block report does, and Hadoop then sleeps {@code dfs.client.block.write.locateFollowingBlock.initial.delay.ms}
 * (400 ms by default), doubling up to {@code ...retries} (5) times. Embark writes several small files per partition
 * and epoch (tables, version manifests, stats), so on HDFS most of an epoch of a small model was those sleeps:
 * {@code LocalClusterTest}'s HDFS case spent 4.9-5.7 s per epoch with 400 ms and 3.1-3.3 s with this class's 25 ms
 * ({@code scripts/hdfs-close-ab.sh}; docs/BENCHMARKS.md, "HDFS file closes").
 *
 * <p>Where neither key is set by the user (a site file, {@code spark.hadoop.*}, the config's {@code spark} section), the
 * CLI's session starts the retries at 25 ms and allows 9 of them: 25 * (2^9 - 1) = 12.8 s of waiting in all before a
 * close fails, as long as Hadoop's 400 * (2^5 - 1) = 12.4 s, so a slow cluster is given the same time.
 */
public final class HdfsCloseRetry {

    public static final String INITIAL_DELAY = "dfs.client.block.write.locateFollowingBlock.initial.delay.ms";
    public static final String RETRIES = "dfs.client.block.write.locateFollowingBlock.retries";
    static final String EMBARK_INITIAL_DELAY_MS = "25";
    static final String EMBARK_RETRIES = "9";

    private HdfsCloseRetry() {
    }

    /** Sets both keys in {@code conf} unless either was set by anything but Hadoop's own defaults; true if it did. */
    public static boolean applyDefaults(Configuration conf) {
        if (userSet(conf, INITIAL_DELAY) || userSet(conf, RETRIES)) {
            return false;
        }
        conf.set(INITIAL_DELAY, EMBARK_INITIAL_DELAY_MS, "Embark (HdfsCloseRetry)");
        conf.set(RETRIES, EMBARK_RETRIES, "Embark (HdfsCloseRetry)");
        return true;
    }

    private static boolean userSet(Configuration conf, String key) {
        String[] sources = conf.getPropertySources(key);
        return sources != null && !Arrays.stream(sources).allMatch(s -> s.endsWith("-default.xml"));
    }
}
