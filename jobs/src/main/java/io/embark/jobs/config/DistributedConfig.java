package io.embark.jobs.config;

import java.io.Serial;
import java.io.Serializable;
import java.util.Optional;

/**
 * Section {@code distributed}: training across Spark executors. Absent {@code distributed.workers}, {@code train} runs
 * on the driver alone; with it, every epoch is one Spark barrier stage of that many tasks.
 *
 * @param workers             tasks of the barrier stage (each trains buckets with {@code training.threads} threads)
 * @param syncEdges           relation-parameter updates are summed across workers after about this many edges of a
 *                            round's largest bucket
 * @param adaptive            AdaComm-style period: epoch e syncs every {@code syncEdges * sqrt(loss(e-1) / loss(1))}
 *                            edges (at least {@code minSyncEdges}): rarely while the loss is high, more often as it falls
 * @param minSyncEdges        the adaptive period's floor
 * @param timeoutSeconds      bound on every wait between workers (connecting, each all-reduce, each round barrier)
 * @param bindAddress         address the workers listen on; absent: the executor's host as Spark reports it
 * @param port                first port: worker r listens on {@code port + r}; absent: any free port
 * @param registrationSeconds how long the driver waits for enough task slots before refusing to start
 */
public record DistributedConfig(int workers, long syncEdges, boolean adaptive, long minSyncEdges, int timeoutSeconds,
                                Optional<String> bindAddress, Optional<Integer> port, int registrationSeconds)
        implements Serializable {

    /**
     * Java serialization (each task of a training stage carries the section) writes a {@link Form}, with the optional
     * address and port as nullable values, since {@link Optional} is not serializable.
     */
    @Serial
    private Object writeReplace() {
        return new Form(workers, syncEdges, adaptive, minSyncEdges, timeoutSeconds, bindAddress.orElse(null), port.orElse(null),
                registrationSeconds);
    }

    /** The serialized form of a {@link DistributedConfig}. */
    private record Form(int workers, long syncEdges, boolean adaptive, long minSyncEdges, int timeoutSeconds, String bindAddress,
                        Integer port, int registrationSeconds) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        @Serial
        private Object readResolve() {
            return new DistributedConfig(workers, syncEdges, adaptive, minSyncEdges, timeoutSeconds, Optional.ofNullable(bindAddress),
                    Optional.ofNullable(port), registrationSeconds);
        }
    }

    static Optional<DistributedConfig> read(ConfigReader c) {
        boolean present = c.has("distributed.workers");
        long syncEdges = c.longValue("distributed.syncEdges", 10_000, 1, Long.MAX_VALUE);
        boolean adaptive = c.bool("distributed.adaptive", false);
        long minSync = c.longValue("distributed.minSyncEdges", 1_000, 1, Long.MAX_VALUE);
        int timeout = c.integer("distributed.timeoutSeconds", 300, 1, 86_400);
        Optional<String> bind = c.optionalString("distributed.bindAddress");
        Optional<Integer> port = c.has("distributed.port")
                ? Optional.of(c.integer("distributed.port", 0, 1, 65_535)) : Optional.empty();
        int registration = c.integer("distributed.registrationSeconds", 120, 0, 86_400);
        if (!present) {
            return Optional.empty();
        }
        int workers = c.integer("distributed.workers", 1, 1, 65_536);
        if (adaptive && minSync > syncEdges) {
            throw new ConfigException("distributed.minSyncEdges: " + minSync + " is above distributed.syncEdges: " + syncEdges
                    + " (expected minSyncEdges <= syncEdges when distributed.adaptive = true)");
        }
        return Optional.of(new DistributedConfig(workers, syncEdges, adaptive, minSync, timeout, bind, port, registration));
    }
}
