/**
 * Collective schedules (ring, recursive halving-doubling, recursive doubling, direct, binomial
 * broadcast, dissemination barrier, and BlueConnect's hierarchical composition), written against
 * {@link io.embark.allreduce.transport.Transport} alone (direct also uses its shared windows where
 * the transport offers them): an algorithm decides which range goes to
 * which member in which step and never sees a socket.
 */
package io.embark.allreduce.algorithm;
