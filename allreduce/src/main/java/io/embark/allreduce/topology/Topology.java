package io.embark.allreduce.topology;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ranks arranged in nested levels, innermost first: e.g. ranks in one JVM, then JVMs on one host,
 * then the hosts. Level {@code l} partitions the ranks into groups, each a union of level
 * {@code l-1} groups; the outermost level is always one group holding every rank.
 *
 * <p>Worked example, {@code Topology.uniform(4, 2)} (2 hosts x 4 ranks):
 * <pre>
 *   rank:               0 1 2 3 | 4 5 6 7
 *   level 0 "level1":   group 0 | group 1     position in group = 0 1 2 3 | 0 1 2 3
 *   level 1 "level2":   group 0 (world)        position = 0 0 0 0 | 1 1 1 1
 * </pre>
 * The BlueConnect sub-group of rank 5 at level 0 is {@code [4,5,6,7]}; at level 1 it is the ranks
 * with the same level-0 position, 1, in every host: {@code [1,5]}.
 *
 * <p>A topology is <em>regular</em> when at every level all groups hold the same number of groups
 * of the level below; BlueConnect needs that, and {@code HierarchicalAllReduce} falls back to a
 * leader-based scheme otherwise.
 */
public final class Topology {
    private final int size;
    private final List<String> names;
    /** groupOf[l][rank], dense ids 0..groups-1 numbered by smallest member rank. */
    private final int[][] groupOf;
    /** position[l][rank]: index of rank's level l-1 group (a rank itself for l=0) within its level l group. */
    private final int[][] position;
    private final boolean regular;

    private Topology(int size, List<String> names, int[][] rawGroups) {
        this.size = size;
        List<String> keptNames = new ArrayList<>();
        List<int[]> kept = new ArrayList<>();
        int[] previous = identity(size);
        for (int l = 0; l < rawGroups.length; l++) {
            int[] g = densify(rawGroups[l]);
            checkNested(previous, g, names.get(l));
            if (!samePartition(previous, g)) {
                kept.add(g);
                keptNames.add(names.get(l));
                previous = g;
            }
        }
        if (kept.isEmpty() || count(kept.get(kept.size() - 1)) > 1) {
            kept.add(new int[size]);
            keptNames.add("world");
        }
        this.names = List.copyOf(keptNames);
        this.groupOf = kept.toArray(new int[0][]);
        this.position = new int[groupOf.length][size];
        boolean reg = true;
        int[] below = identity(size);
        for (int l = 0; l < groupOf.length; l++) {
            // children of each level-l group, ordered by smallest rank (dense ids are already in that order)
            Map<Integer, List<Integer>> children = new HashMap<>();
            for (int r = 0; r < size; r++) {
                List<Integer> c = children.computeIfAbsent(groupOf[l][r], k -> new ArrayList<>());
                if (!c.contains(below[r])) {
                    c.add(below[r]);
                }
            }
            int fan = -1;
            for (List<Integer> c : children.values()) {
                c.sort(null);
                if (fan >= 0 && c.size() != fan) {
                    reg = false;
                }
                fan = c.size();
            }
            for (int r = 0; r < size; r++) {
                position[l][r] = children.get(groupOf[l][r]).indexOf(below[r]);
            }
            below = groupOf[l];
        }
        this.regular = reg;
    }

    /** One level: every rank in one group. */
    public static Topology flat(int size) {
        return new Topology(checkSize(size), List.of("world"), new int[][] {new int[size]});
    }

    /**
     * Regular levels of consecutive ranks: {@code uniform(4, 2)} is 2 groups of 4 ranks. The product
     * of the fan-outs is the world size.
     */
    public static Topology uniform(int... fanOuts) {
        int size = 1;
        for (int f : fanOuts) {
            if (f < 1) {
                throw new IllegalArgumentException("fan-out: " + f + " (expected >= 1) in " + Arrays.toString(fanOuts));
            }
            size *= f;
        }
        int[][] g = new int[fanOuts.length][size];
        List<String> names = new ArrayList<>();
        int span = 1;
        for (int l = 0; l < fanOuts.length; l++) {
            span *= fanOuts[l];
            for (int r = 0; r < size; r++) {
                g[l][r] = r / span;
            }
            names.add("level" + (l + 1));
        }
        return new Topology(size, names, g);
    }

    /**
     * Levels derived from where ranks run: ranks of one process, then processes of one host, then
     * all hosts. Levels that group nothing (one rank per process, say) are dropped.
     */
    public static Topology fromLocations(List<RankLocation> locations) {
        int size = checkSize(locations.size());
        int[] byProcess = new int[size];
        int[] byHost = new int[size];
        Map<RankLocation, Integer> procIds = new LinkedHashMap<>();
        Map<String, Integer> hostIds = new LinkedHashMap<>();
        for (int r = 0; r < size; r++) {
            RankLocation loc = locations.get(r);
            byProcess[r] = procIds.computeIfAbsent(loc, k -> procIds.size());
            byHost[r] = hostIds.computeIfAbsent(loc.host(), k -> hostIds.size());
        }
        return new Topology(size, List.of("process", "host"), new int[][] {byProcess, byHost});
    }

    /**
     * Explicit levels, innermost first: {@code groupIds.get(l)[rank]} is the group of {@code rank} at
     * level {@code l}; any ids work as long as each level's groups are unions of the level below's.
     */
    public static Topology of(List<String> levelNames, List<int[]> groupIds) {
        if (levelNames.size() != groupIds.size() || groupIds.isEmpty()) {
            throw new IllegalArgumentException("need one name per level and at least one level");
        }
        int size = checkSize(groupIds.get(0).length);
        for (int[] g : groupIds) {
            if (g.length != size) {
                throw new IllegalArgumentException("every level must give a group to each of the " + size + " ranks");
            }
        }
        return new Topology(size, levelNames, groupIds.toArray(new int[0][]));
    }

    public int size() {
        return size;
    }

    /** Number of levels, including the outermost (whole world) one. */
    public int levels() {
        return groupOf.length;
    }

    public String levelName(int level) {
        return names.get(level);
    }

    public int groupOf(int level, int rank) {
        return groupOf[level][rank];
    }

    public boolean isRegular() {
        return regular;
    }

    /** For a regular topology, how many level {@code l-1} groups (ranks, for l=0) each level {@code l} group holds. */
    public int fanOut(int level) {
        int r0 = 0;
        int max = 0;
        for (int r = 0; r < size; r++) {
            if (groupOf[level][r] == groupOf[level][r0]) {
                max = Math.max(max, position[level][r] + 1);
            }
        }
        return max;
    }

    /**
     * BlueConnect's sub-group of {@code rank} at {@code level}: the ranks in the same level group that
     * hold the same position at every lower level, ordered by their position at this level.
     */
    public Group blueConnectGroup(int level, int rank) {
        List<int[]> found = new ArrayList<>();
        for (int s = 0; s < size; s++) {
            if (groupOf[level][s] != groupOf[level][rank]) {
                continue;
            }
            boolean same = true;
            for (int l = 0; l < level && same; l++) {
                same = position[l][s] == position[l][rank];
            }
            if (same) {
                found.add(new int[] {position[level][s], s});
            }
        }
        found.sort((a, b) -> Integer.compare(a[0], b[0]));
        int[] members = found.stream().mapToInt(a -> a[1]).toArray();
        return new Group(members, rank);
    }

    /** All ranks of {@code rank}'s group at {@code level}, ascending. */
    public Group levelGroup(int level, int rank) {
        int[] members = java.util.stream.IntStream.range(0, size)
                .filter(s -> groupOf[level][s] == groupOf[level][rank]).toArray();
        return new Group(members, rank);
    }

    /**
     * The topology that the leaders (smallest rank) of the level-0 groups form among themselves, with
     * the remaining levels. Index {@code i} of the result is {@code leaders()[i]}.
     */
    public Topology leaderTopology() {
        int[] leaders = leaders();
        List<String> n = new ArrayList<>();
        List<int[]> g = new ArrayList<>();
        for (int l = 1; l < groupOf.length; l++) {
            int[] ids = new int[leaders.length];
            for (int i = 0; i < leaders.length; i++) {
                ids[i] = groupOf[l][leaders[i]];
            }
            g.add(ids);
            n.add(names.get(l));
        }
        if (g.isEmpty()) {
            return flat(leaders.length);
        }
        return new Topology(leaders.length, n, g.toArray(new int[0][]));
    }

    /** The smallest rank of each level-0 group, ascending. */
    public int[] leaders() {
        return java.util.stream.IntStream.range(0, size)
                .filter(r -> levelGroup(0, r).rank(0) == r).toArray();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Topology[" + size + " ranks");
        for (int l = 0; l < groupOf.length; l++) {
            b.append(", ").append(names.get(l)).append(": ").append(count(groupOf[l])).append(" group(s)");
        }
        return b.append(regular ? ", regular]" : ", uneven]").toString();
    }

    private static int checkSize(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("world size: " + size + " (expected >= 1)");
        }
        return size;
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    private static int[] densify(int[] raw) {
        Map<Integer, Integer> ids = new HashMap<>();
        int[] out = new int[raw.length];
        for (int r = 0; r < raw.length; r++) {
            out[r] = ids.computeIfAbsent(raw[r], k -> ids.size());
        }
        return out;
    }

    private static int count(int[] groups) {
        return (int) Arrays.stream(groups).distinct().count();
    }

    private static boolean samePartition(int[] a, int[] b) {
        return Arrays.equals(densify(a), densify(b));
    }

    private static void checkNested(int[] inner, int[] outer, String name) {
        Map<Integer, Integer> parent = new HashMap<>();
        for (int r = 0; r < inner.length; r++) {
            Integer p = parent.putIfAbsent(inner[r], outer[r]);
            if (p != null && p != outer[r]) {
                throw new IllegalArgumentException("level '" + name + "' splits a group of the level below it (rank " + r + ")");
            }
        }
    }
}
