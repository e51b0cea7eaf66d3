package io.embark.allreduce.topology;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopologyTest {

    @Test
    void blockLayoutOfEightOverThree() {
        // 8 = 3*2 + 2: blocks 0 and 1 get 3 elements, block 2 gets 2
        BlockLayout l = new BlockLayout(0, 8, 3);
        assertEquals(0, l.blockOffset(0));
        assertEquals(3, l.blockOffset(1));
        assertEquals(6, l.blockOffset(2));
        assertEquals(8, l.blockOffset(3));
        assertEquals(2, l.blockLength(2));
        assertEquals(5, l.rangeLength(1, 3));
        BlockLayout inner = l.block(1, 2); // elements 3..5 cut in 2: [3,5) and [5,6)
        assertEquals(3, inner.blockOffset(0));
        assertEquals(5, inner.blockOffset(1));
        assertEquals(1, inner.blockLength(1));
    }

    @Test
    void blueConnectGroupsOfTwoHostsOfFour() {
        Topology t = Topology.uniform(4, 2);
        assertEquals(2, t.levels());
        assertTrue(t.isRegular());
        assertArrayEquals(new int[] {4, 5, 6, 7}, t.blueConnectGroup(0, 5).members());
        assertArrayEquals(new int[] {1, 5}, t.blueConnectGroup(1, 5).members());
        assertEquals(1, t.blueConnectGroup(1, 5).index());
        assertEquals(4, t.fanOut(0));
        assertEquals(2, t.fanOut(1));
    }

    @Test
    void locationsGiveProcessAndHostLevelsAndDropEmptyOnes() {
        List<RankLocation> where = List.of(
                new RankLocation("a", "1"), new RankLocation("a", "1"), new RankLocation("a", "2"), new RankLocation("a", "2"),
                new RankLocation("b", "3"), new RankLocation("b", "3"), new RankLocation("b", "4"), new RankLocation("b", "4"));
        Topology t = Topology.fromLocations(where);
        assertEquals(3, t.levels()); // process, host, world
        assertEquals("process", t.levelName(0));
        assertArrayEquals(new int[] {0, 2}, t.blueConnectGroup(1, 2).members()); // first rank of each process of host a
        assertArrayEquals(new int[] {0, 4}, t.blueConnectGroup(2, 0).members());
        // one rank per process: the process level groups nothing and is dropped
        Topology hosts = Topology.fromLocations(List.of(new RankLocation("a", "1"), new RankLocation("b", "2")));
        assertEquals(1, hosts.levels());
    }

    @Test
    void unevenGroupsAreDetectedAndLeadersFormTheUpperLevels() {
        Topology t = Topology.of(List.of("host"), List.of(new int[] {0, 0, 0, 1, 1, 2}));
        assertFalse(t.isRegular());
        assertArrayEquals(new int[] {0, 3, 5}, t.leaders());
        assertEquals(3, t.leaderTopology().size());
        assertThrows(IllegalArgumentException.class,
                () -> Topology.of(List.of("a", "b"), List.of(new int[] {0, 0, 1, 1}, new int[] {0, 1, 1, 1})));
    }
}
