/**
 * The {@code train} command. Without {@code distributed.workers}, training runs the embedding module's trainer in
 * the driver JVM; with it, each epoch is a Spark barrier stage whose tasks find each other, connect the allreduce mesh
 * and train disjoint buckets ({@link io.embark.jobs.train.DistributedTrainJob}).
 */
package io.embark.jobs.train;
