/**
 * The collective simulator: per-level alpha-beta costs and link sharing in, predicted time of flat
 * ring, flat halving-doubling and hierarchical (BlueConnect) all-reduce out. Checked against runs
 * measured here by {@code SimulatorCheck} and the network-emulation script.
 */
package io.embark.allreduce.sim;
