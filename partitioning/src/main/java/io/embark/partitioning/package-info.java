/**
 * The shared vocabulary of Embark's graph layout and the on-disk edge-bucket format.
 *
 * <p>Entities of each {@link io.embark.partitioning.EntityType} are spread over its partitions by
 * {@link io.embark.partitioning.PartitionAssignment}; every edge lands in the {@link io.embark.partitioning.Bucket}
 * {@code (lhsPartition, rhsPartition)}; {@link io.embark.partitioning.EdgeBucketWriter} and
 * {@link io.embark.partitioning.EdgeBucketReader} write and stream a bucket's edges without Spark. Plain Java,
 * so both the Spark import stage and the trainer use it.
 */
package io.embark.partitioning;
