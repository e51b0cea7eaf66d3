/**
 * Where embeddings live between buckets and epochs: {@link io.embark.embedding.storage.EmbeddingTable} (one entity
 * type's partition with its Adagrad state), its file format, and versioned, atomically committed checkpoints on any
 * Hadoop file system ({@link io.embark.embedding.storage.CheckpointStore}), every file of which carries a CRC32C
 * (a trailer, and the version's {@link io.embark.embedding.storage.VersionManifest}) checked on every read.
 */
package io.embark.embedding.storage;
