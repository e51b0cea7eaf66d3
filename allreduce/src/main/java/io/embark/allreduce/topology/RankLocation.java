package io.embark.allreduce.topology;

import java.util.Objects;

/** Where a rank runs: its host and its process (JVM) on that host. */
public record RankLocation(String host, String process) {
    public RankLocation {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(process, "process");
    }
}
