/**
 * Where embeddings live between buckets and epochs: {@link io.embark.embedding.storage.EmbeddingTable} (one entity
 * type's partition with its Adagrad state), its file format, and versioned, atomically committed checkpoints on any
 * Hadoop file system ({@link io.embark.embedding.storage.CheckpointStore}).
 */
package io.embark.embedding.storage;
