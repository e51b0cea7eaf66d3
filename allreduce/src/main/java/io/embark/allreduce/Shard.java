package io.embark.allreduce;

/** The block of a buffer one rank owns after a reduce-scatter: elements {@code [offset, offset+length)}. */
public record Shard(int offset, int length) {
}
