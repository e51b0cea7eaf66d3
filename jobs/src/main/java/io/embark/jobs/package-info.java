/**
 * The command line ({@link io.embark.jobs.Main}) and the Spark glue: each command loads the config, starts a Spark
 * session ({@link io.embark.jobs.SparkSessions}) and runs a stage from the Spark-free modules inside it.
 */
package io.embark.jobs;
