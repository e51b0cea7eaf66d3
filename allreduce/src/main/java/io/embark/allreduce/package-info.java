/**
 * Collectives for synchronizing shared parameters: a {@link io.embark.allreduce.Communicator} per
 * rank runs reduce-scatter, all-gather, all-reduce, broadcast and barrier over a transport (threads of
 * one JVM, or TCP between processes and hosts) and a topology of levels (BlueConnect). JDK only.
 */
package io.embark.allreduce;
