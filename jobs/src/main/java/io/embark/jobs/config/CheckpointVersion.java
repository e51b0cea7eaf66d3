package io.embark.jobs.config;

import java.util.Optional;

/** A checkpoint version key ({@code eval.version}, {@code export.version}, ...): {@code latest} or a version number. */
final class CheckpointVersion {

    private CheckpointVersion() {
    }

    /** Empty for {@code latest} (the default), else the version. */
    static Optional<Integer> read(ConfigReader c, String key) {
        String v = c.string(key, "latest").trim();
        if (v.equals("latest")) {
            return Optional.empty();
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 0) {
                return Optional.of(n);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(key + ": '" + v + "' (expected latest or a checkpoint version number >= 0, as in v00000007)");
    }
}
