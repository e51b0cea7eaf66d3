package io.embark.allreduce.sim;

import io.embark.allreduce.cost.LinkCost;

/**
 * One level of a simulated cluster, innermost first.
 *
 * @param fanOut         groups of the level below (ranks, for the innermost level) per group of this level
 * @param cost           alpha and beta of one link at this level
 * @param linksPerGroup  independent links one group of the level below has at this level (1 NIC per host: 1;
 *                       BlueConnect's setting of one fabric per GPU: the GPUs per host); concurrent flows
 *                       leaving a group share its links evenly
 */
public record LevelSpec(int fanOut, LinkCost cost, int linksPerGroup) {
    public LevelSpec {
        if (fanOut < 1 || linksPerGroup < 1) {
            throw new IllegalArgumentException("level: fanOut " + fanOut + ", linksPerGroup " + linksPerGroup
                    + " (expected both >= 1)");
        }
    }
}
