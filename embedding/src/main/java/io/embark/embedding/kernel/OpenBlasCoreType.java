package io.embark.embedding.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The OpenBLAS kernel family for this CPU. OpenBLAS 0.3.19 (inside ND4J) does not recognise recent CPUs such as AMD
 * Zen 5 and then uses SSE kernels (about 37 GFLOP/s single-thread sgemm where SkylakeX kernels reach 113-156). The
 * choice must be in the environment ({@code OPENBLAS_CORETYPE}) before the library loads, so launchers set it; this
 * class states the rule and lets the trainer warn when the environment disagrees.
 *
 * <p>Rule: {@code avx512f} in /proc/cpuinfo: SkylakeX; else {@code avx2}: Haswell; else leave it unset.
 */
public final class OpenBlasCoreType {

    private static final System.Logger LOG = System.getLogger(OpenBlasCoreType.class.getName());

    private OpenBlasCoreType() {
    }

    /** The recommended core type from the CPU flags, empty when none is needed or the flags cannot be read. */
    public static Optional<String> recommended() {
        try {
            String cpuinfo = Files.readString(Path.of("/proc/cpuinfo"));
            if (cpuinfo.matches("(?s).*\\bavx512f\\b.*")) {
                return Optional.of("SkylakeX");
            }
            if (cpuinfo.matches("(?s).*\\bavx2\\b.*")) {
                return Optional.of("Haswell");
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or unreadable: nothing to recommend
        }
        return Optional.empty();
    }

    /** Logs a warning when OPENBLAS_CORETYPE differs from the recommendation. */
    static void checkEnvironment() {
        Optional<String> want = recommended();
        String have = System.getenv("OPENBLAS_CORETYPE");
        if (want.isPresent() && !want.get().equalsIgnoreCase(have == null ? "" : have)) {
            LOG.log(System.Logger.Level.WARNING, "OPENBLAS_CORETYPE is {0} but this CPU supports {1}: matrix products may run 2-4x slower."
                    + " Set OPENBLAS_CORETYPE={1} before starting the JVM (see docs/training.md).", have == null ? "unset" : have, want.get());
        }
    }
}
