package io.embark.jobs;

import io.embark.jobs.config.JobConfig;
import org.apache.spark.sql.SparkSession;

/** Gives tests in other packages {@link Main#runStage}. */
public final class MainAccess {

    private MainAccess() {
    }

    public static void runStage(String stage, SparkSession spark, JobConfig job) throws Exception {
        Main.runStage(stage, spark, job);
    }
}
