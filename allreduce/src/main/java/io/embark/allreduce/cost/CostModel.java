package io.embark.allreduce.cost;

import java.util.List;

/**
 * Alpha-beta costs per topology level, innermost first; a level past the end of the list uses the
 * last entry. {@code linkSharing(l)} is how many concurrent flows of one level-{@code l} sub-collective
 * share one physical link (e.g. 4 ranks of one host behind one NIC: 4), which is what separates
 * "one fabric per rank" (BlueConnect's setting) from "one NIC per host".
 */
public record CostModel(List<LinkCost> levels, List<Integer> sharing) {
    /** In-process ranks: about 2 us per hand-off, memory-bound copies. */
    public static final LinkCost IN_PROCESS = LinkCost.of(2, 8);
    /** Loopback TCP between JVMs on this kind of machine. */
    public static final LinkCost LOOPBACK_TCP = LinkCost.of(40, 1.5);

    public CostModel {
        if (levels.isEmpty()) {
            throw new IllegalArgumentException("cost model: at least one level");
        }
        levels = List.copyOf(levels);
        sharing = List.copyOf(sharing);
    }

    public static CostModel uniform(LinkCost cost) {
        return new CostModel(List.of(cost), List.of());
    }

    public static CostModel of(LinkCost... perLevel) {
        return new CostModel(List.of(perLevel), List.of());
    }

    public LinkCost level(int l) {
        return levels.get(Math.min(l, levels.size() - 1));
    }

    /** Flows sharing one link at level {@code l} (1 when not given). */
    public int linkSharing(int l) {
        return l < sharing.size() ? sharing.get(l) : 1;
    }

    public CostModel withSharing(List<Integer> perLevel) {
        return new CostModel(levels, perLevel);
    }
}
