/**
 * The per-chunk training step behind one interface, {@link io.embark.embedding.kernel.ChunkStep}: the fast CPU one
 * ({@link io.embark.embedding.kernel.BlasChunkStep}: sgemm for the products, Java for the rest) and one written in
 * ND4J ops ({@link io.embark.embedding.kernel.Nd4jChunkStep}), which cross-checks it.
 */
package io.embark.embedding.kernel;
