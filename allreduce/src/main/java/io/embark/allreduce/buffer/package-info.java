/**
 * Numeric element runs ({@code float[]}, {@code double[]}, NIO buffers, raw bytes) behind one small
 * interface, with the combining loops, the single-pass reduction across the buffers of several
 * ranks of one JVM, and a pool of direct buffers. Transports and algorithms move
 * elements through {@link io.embark.allreduce.buffer.ElementBuffer} and never look at the backing storage.
 */
package io.embark.allreduce.buffer;
