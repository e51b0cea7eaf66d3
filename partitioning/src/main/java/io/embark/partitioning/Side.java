package io.embark.partitioning;

/** The two ends of an edge: the left-hand side (source, head) and the right-hand side (destination, tail). */
public enum Side {
    LHS,
    RHS;

    /** Returns {@code lhs} for {@link #LHS} and {@code rhs} for {@link #RHS}. */
    public <T> T pick(T lhs, T rhs) {
        return this == LHS ? lhs : rhs;
    }

    /** Primitive form of {@link #pick(Object, Object)}. */
    public int pick(int lhs, int rhs) {
        return this == LHS ? lhs : rhs;
    }

    public Side other() {
        return this == LHS ? RHS : LHS;
    }
}
