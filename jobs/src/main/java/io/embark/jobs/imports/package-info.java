/**
 * The {@code import} stage: edge files become entity dictionaries, entity partitions and P x P edge buckets.
 * Parsing ({@link io.embark.jobs.imports.EdgeLineParser}), dictionaries ({@link io.embark.jobs.imports.DictionaryBuilder}),
 * bucket writing inside Spark tasks ({@link io.embark.jobs.imports.BucketWriteTask}) and the atomic commit with its
 * manifest ({@link io.embark.jobs.imports.ImportJob}). Nothing the size of the graph reaches the driver.
 */
package io.embark.jobs.imports;
