package io.embark.partitioning;

/**
 * One cell of the P x P edge grid: the edges whose lhs entity is in partition {@code lhsPartition} and whose rhs
 * entity is in partition {@code rhsPartition}.
 *
 * <p>Example, P = 3: the grid has 9 buckets; bucket (0, 2) holds every edge from an lhs entity of partition 0 to
 * an rhs entity of partition 2, and training it needs exactly partitions 0 (lhs side) and 2 (rhs side) in memory.
 * <pre>
 *            rhs 0   rhs 1   rhs 2
 *   lhs 0   (0,0)   (0,1)   (0,2)
 *   lhs 1   (1,0)   (1,1)   (1,2)
 *   lhs 2   (2,0)   (2,1)   (2,2)
 * </pre>
 */
public record Bucket(int lhsPartition, int rhsPartition) implements Comparable<Bucket> {

    public Bucket {
        if (lhsPartition < 0 || rhsPartition < 0) {
            throw new IllegalArgumentException("bucket partitions must be >= 0: (" + lhsPartition + ", " + rhsPartition + ")");
        }
    }

    public int partition(Side side) {
        return side.pick(lhsPartition, rhsPartition);
    }

    /** Directory name of this bucket inside a split's bucket folder, e.g. {@code lhs-00000_rhs-00002}. */
    public String dirName() {
        return String.format("lhs-%05d_rhs-%05d", lhsPartition, rhsPartition);
    }

    /** Parses {@link #dirName()}; returns null when the name is not a bucket directory. */
    public static Bucket parseDirName(String name) {
        if (!name.matches("lhs-\\d{5,}_rhs-\\d{5,}")) {
            return null;
        }
        int sep = name.indexOf("_rhs-");
        return new Bucket(Integer.parseInt(name.substring(4, sep)), Integer.parseInt(name.substring(sep + 5)));
    }

    @Override
    public int compareTo(Bucket o) {
        int c = Integer.compare(lhsPartition, o.lhsPartition);
        return c != 0 ? c : Integer.compare(rhsPartition, o.rhsPartition);
    }

    @Override
    public String toString() {
        return "(" + lhsPartition + ", " + rhsPartition + ")";
    }
}
