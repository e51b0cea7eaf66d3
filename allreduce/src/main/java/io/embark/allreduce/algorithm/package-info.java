/**
 * Collective schedules (ring, recursive halving-doubling, recursive doubling, binomial broadcast,
 * dissemination barrier, and BlueConnect's hierarchical composition), written against
 * {@link io.embark.allreduce.transport.Transport} alone: an algorithm decides which range goes to
 * which member in which step and never sees a socket.
 */
package io.embark.allreduce.algorithm;
