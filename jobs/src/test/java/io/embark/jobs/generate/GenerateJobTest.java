package io.embark.jobs.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embark.embedding.progress.ProgressLog;
import io.embark.jobs.config.ConfigLoader;
import io.embark.jobs.config.JobConfig;
import io.embark.jobs.imports.ImportJob;
import io.embark.jobs.imports.ImportJobTestAccess;
import io.embark.partitioning.ImportManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(300)
class GenerateJobTest {

    @TempDir
    Path dir;

    private JobConfig conf(String... sets) {
        List<String> all = new ArrayList<>(List.of("workspace=" + dir.resolve("ws"), "generate.nodes=500", "generate.edges=5000",
                "generate.relations=3", "generate.files=3", "generate.testFraction=0.1"));
        all.addAll(List.of(sets));
        return JobConfig.read(ConfigLoader.fromText("graph.entities.node.partitions = 2", "t", all));
    }

    private static List<String> lines(Path root) throws Exception {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList()) {
                out.addAll(Files.readAllLines(p));
            }
        }
        return out;
    }

    @Test
    void same_seed_same_files_and_the_split_fractions_hold() throws Exception {
        GenerateJob.run(ImportJobTestAccess.spark(), conf("generate.output=" + dir.resolve("a")).generate(), ProgressLog.defaults());
        GenerateJob.run(ImportJobTestAccess.spark(), conf("generate.output=" + dir.resolve("b")).generate(), ProgressLog.defaults());
        List<String> a = lines(dir.resolve("a"));
        assertEquals(5000, a.size());
        assertEquals(a, lines(dir.resolve("b")));
        int test = lines(dir.resolve("a/test")).size();
        assertTrue(test > 350 && test < 650, "about 10% test edges: " + test);
        assertTrue(a.stream().allMatch(l -> l.matches("n\\d+\tr[0-2]\tn\\d+")), "lines are lhs TAB relation TAB rhs");
    }

    @Test
    void clusters_model_plants_the_documented_structure() throws Exception {
        GenerateJob.run(ImportJobTestAccess.spark(), conf("generate.output=" + dir.resolve("c"), "generate.model=clusters",
                "generate.clusters=10", "generate.noise=0").generate(), ProgressLog.defaults());
        for (String l : lines(dir.resolve("c"))) {
            String[] f = l.split("\t");
            long lhs = Long.parseLong(f[0].substring(1));
            long rhs = Long.parseLong(f[2].substring(1));
            int rel = Integer.parseInt(f[1].substring(1));
            assertEquals((lhs % 10 + rel + 1) % 10, rhs % 10, l);
        }
    }

    @Test
    void parquet_output_imports_with_column_names() throws Exception {
        Path out = dir.resolve("p");
        GenerateJob.run(ImportJobTestAccess.spark(), conf("generate.output=" + out, "generate.format=parquet").generate(), ProgressLog.defaults());
        JobConfig imp = conf("data.train=" + out.resolve("train"), "data.test=" + out.resolve("test"), "data.format=parquet");
        ImportManifest m = ImportJob.run(ImportJobTestAccess.spark(), imp);
        assertEquals(5000, m.split("train").edges() + m.split("test").edges() + m.split("test").unknownEntityEdges());
        assertEquals(3, m.relations().size());
    }
}
