package io.embark.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** What the training tests do with workspaces: copy an imported graph, read the filtered MRR the eval stage wrote. */
public final class Workspaces {

    private Workspaces() {
    }

    /** The {@code mrr} of the first {@code metrics-test-all.json} under {@code WORKSPACE/checkpoints}; asserts it is filtered. */
    static double filteredMrr(Path workspace) throws Exception {
        Path metrics;
        try (var s = Files.list(workspace.resolve("checkpoints"))) {
            metrics = s.filter(p -> Files.exists(p.resolve("metrics-test-all.json"))).findFirst().orElseThrow().resolve("metrics-test-all.json");
        }
        Map<?, ?> m = new ObjectMapper().readValue(metrics.toFile(), Map.class);
        if (!Boolean.TRUE.equals(m.get("filtered"))) {
            throw new AssertionError(metrics + " holds raw metrics, expected filtered");
        }
        return ((Number) m.get("mrr")).doubleValue();
    }

    /** Copies a directory tree (an imported graph into another workspace). */
    public static void copy(Path from, Path to) throws Exception {
        try (var s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }
}
