/**
 * The {@code train} and {@code eval} commands on one machine: the embedding module's trainer and filtered ranking,
 * run in the driver JVM over the imported dataset and the versioned checkpoints in {@code WORKSPACE/checkpoints}.
 */
package io.embark.jobs.train;
