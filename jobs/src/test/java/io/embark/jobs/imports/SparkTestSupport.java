package io.embark.jobs.imports;

import io.embark.jobs.SparkSessions;
import io.embark.jobs.config.ConfigLoader;
import io.embark.jobs.config.JobConfig;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** One local[2] Spark session for the test JVM (UI off, no retries), and config helpers. */
final class SparkTestSupport {

    private static SparkSession spark;

    private SparkTestSupport() {
    }

    static synchronized SparkSession spark() {
        if (spark == null) {
            System.setProperty("spark.master", "local[2]");
            System.setProperty("spark.ui.enabled", "false");
            System.setProperty("spark.task.maxFailures", "1");
            System.setProperty("spark.driver.host", "127.0.0.1");
            System.setProperty("spark.sql.shuffle.partitions", "4");
            spark = SparkSessions.start("test", JobConfig.read(ConfigLoader.fromText("", "empty", List.of())));
        }
        return spark;
    }

    static JobConfig config(String text, String... sets) {
        return JobConfig.read(ConfigLoader.fromText(text, "test.conf", List.of(sets)));
    }
}
