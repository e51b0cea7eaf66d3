/**
 * How elements move between ranks: {@link io.embark.allreduce.transport.Transport} (tagged,
 * order-preserving send and receive, with an optional combine-on-receive), its in-process and TCP
 * implementations, the shared windows through which ranks of one JVM read and write each other's
 * buffers directly ({@link io.embark.allreduce.transport.SharedBuffers}), and the deadlines that
 * bound every wait.
 */
package io.embark.allreduce.transport;
