package io.embark.jobs.imports;

import org.apache.spark.sql.SparkSession;

/** Gives tests in other packages the shared local Spark session. */
public final class ImportJobTestAccess {

    private ImportJobTestAccess() {
    }

    public static SparkSession spark() {
        return SparkTestSupport.spark();
    }
}
