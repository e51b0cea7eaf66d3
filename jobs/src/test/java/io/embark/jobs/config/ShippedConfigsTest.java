package io.embark.jobs.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every config in {@code conf/} loads and validates (no unknown or misspelled keys, values in range), so a config the
 * README points to never fails on its first key.
 */
class ShippedConfigsTest {

    @Test
    void everyShippedConfigValidates() throws Exception {
        Path conf = Path.of(System.getProperty("embark.repo.root", "..")).resolve("conf");
        List<Path> files;
        try (var s = Files.list(conf)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".conf")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no configs in " + conf);
        for (Path f : files) {
            JobConfig job = JobConfig.read(ConfigLoader.load(f, List.of()));
            assertTrue(job.workspace() != null && !job.workspace().isBlank(), f + ": workspace");
        }
    }
}
