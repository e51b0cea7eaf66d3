/**
 * A real Spark standalone cluster on loopback (master and workers as separate JVMs from the Maven classpath), for
 * multi-JVM tests, benchmarks and trying distributed training on one machine ({@code scripts/local-cluster.sh}).
 */
package io.embark.jobs.cluster;
