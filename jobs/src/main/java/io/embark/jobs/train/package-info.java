/**
 * The {@code train} command on one machine: the embedding module's trainer, run in the driver JVM over the imported
 * dataset and the versioned checkpoints in {@code WORKSPACE/checkpoints}.
 */
package io.embark.jobs.train;
