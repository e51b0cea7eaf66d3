package io.embark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's commands, run exactly as written (taken from the README's text) with bash, in a copy of the checkout's
 * scripts, configs and built jar: the demo in local mode, and the loopback standalone cluster's start / run pipeline /
 * stop. Relative paths in {@code conf/demo.conf} must mean the same place on the cluster as in local mode, so the
 * cluster run's outputs must be under the copy's {@code work/demo} and nothing may land in the workers' directories.
 *
 * <p>Runs in the {@code integration-test} phase (after {@code package} built the jar the scripts run).
 */
class ReadmeCommandsIT {

    @TempDir
    Path dir;

    @Test
    void the_readme_demo_runs_in_local_mode_and_on_the_loopback_cluster() throws Exception {
        Path repo = Path.of(System.getProperty("embark.repo.root", "..")).toAbsolutePath().normalize();
        Path checkout = copyOfCheckout(repo, dir.resolve("checkout"));
        List<String> readme = Files.readAllLines(repo.resolve("README.md"));

        String demo = firstCommandStartingWith(readme, "scripts/embark pipeline");
        assertEquals(0, bash(checkout, demo, dir.resolve("demo.log"), 15), "README demo: " + demo + "\n" + tail(dir.resolve("demo.log")));
        assertTrue(Files.exists(checkout.resolve("work/demo/checkpoints/report.html")), "the demo's report");
        double local = Workspaces.filteredMrr(checkout.resolve("work/demo"));
        assertTrue(local > 0.04, "local demo MRR " + local + " (chance 0.004)");

        // eval and neighbors answer on stdout (a table, or JSON with --json); the log stays on stderr
        Path evalOut = dir.resolve("eval.json");
        assertEquals(0, bash(checkout, "scripts/embark eval --config conf/demo.conf --json", evalOut, dir.resolve("eval.log"), 10),
                tail(dir.resolve("eval.log")));
        Map<?, ?> metrics = new ObjectMapper().readValue(evalOut.toFile(), Map.class);
        assertEquals("test", metrics.get("split"));
        assertEquals(local, ((Number) metrics.get("mrr")).doubleValue(), 0.02, "the same checkpoint evaluated again");
        String neighbors = firstCommandStartingWith(readme, "scripts/embark neighbors");
        Path neighborsOut = dir.resolve("neighbors.txt");
        assertEquals(0, bash(checkout, neighbors, neighborsOut, dir.resolve("neighbors.log"), 10), tail(dir.resolve("neighbors.log")));
        List<String> answer = Files.readAllLines(neighborsOut);
        assertTrue(answer.get(0).startsWith("likeliest tails of (n42, r1, ?)"), "stdout: " + answer);
        assertEquals(2 + 5, answer.size(), "a heading, the column names and neighbors.k = 5 rows: " + answer);
        assertFalse(Files.readString(dir.resolve("neighbors.log")).contains("likeliest tails"), "the answer is not in the log");

        List<String> cluster = commandsOf(codeBlockWith(readme, "scripts/local-cluster.sh start"));
        assertEquals(3, cluster.size(), "start, run, stop: " + cluster);
        Files.walk(checkout.resolve("work/demo")).sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
        try {
            for (int i = 0; i < cluster.size() - 1; i++) {
                Path log = dir.resolve("cluster-" + i + ".log");
                assertEquals(0, bash(checkout, cluster.get(i), log, 20), "README: " + cluster.get(i) + "\n" + tail(log));
            }
        } finally {
            bash(checkout, cluster.get(cluster.size() - 1), dir.resolve("cluster-stop.log"), 2);
        }
        String run = Files.readString(dir.resolve("cluster-1.log"));
        assertTrue(run.contains("done on 2 workers"), "trained on the cluster's 2 workers: " + tail(dir.resolve("cluster-1.log")));
        assertTrue(Files.exists(checkout.resolve("work/demo/edges/train/part-00000.tsv")), "generate wrote where the config says");
        assertTrue(Files.exists(checkout.resolve("work/demo/checkpoints/report.html")), "the cluster run's report");
        double clustered = Workspaces.filteredMrr(checkout.resolve("work/demo"));
        assertTrue(clustered > 0.04, "cluster demo MRR " + clustered + " (chance 0.004)");
        try (Stream<Path> s = Files.walk(checkout.resolve("work/local-cluster"))) {
            List<String> stray = s.filter(p -> p.getFileName().toString().equals("demo")).map(Path::toString).toList();
            assertTrue(stray.isEmpty(), "outputs written under the workers' directories: " + stray);
        }
    }

    @Test
    void ctrl_c_removes_the_unfinished_output_and_says_so() throws Exception {
        Path repo = Path.of(System.getProperty("embark.repo.root", "..")).toAbsolutePath().normalize();
        Path checkout = copyOfCheckout(repo, dir.resolve("checkout"));
        Path before = checkout.resolve("work/demo/edges/kept.txt");
        Files.createDirectories(before.getParent());
        Files.writeString(before, "an output written before this run");
        Path err = dir.resolve("interrupted.log");
        // env --default-signal=INT: a shell without job control (nohup, `cmd &` in a script) starts the suite with
        // SIGINT ignored, an ignored signal stays ignored across exec, and the JVM would never see the Ctrl-C below
        Process p = new ProcessBuilder("env", "--default-signal=INT", "scripts/embark", "generate", "--config",
                "conf/demo.conf", "--set", "generate.edges=200M", "--set", "generate.nodes=1M", "--set", "generate.files=8")
                .directory(checkout.toFile()).redirectErrorStream(true).redirectOutput(err.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (temporaries(checkout.resolve("work/demo")).isEmpty()) {
            assertTrue(p.isAlive(), "generate ended before writing: " + tail(err));
            assertTrue(System.nanoTime() < deadline, "no temporary output after 5 minutes: " + tail(err));
            Thread.sleep(100);
        }
        Thread.sleep(2000); // let tasks write into it
        // env and scripts/embark exec, so this is the JVM's pid: what Ctrl-C in a terminal signals
        assertEquals(0, new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start().waitFor());
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "exited after SIGINT");
        String log = Files.readString(err);
        assertEquals(130, p.exitValue(), log);
        assertTrue(log.contains("embark: interrupted during generate; removed the unfinished output of file:"
                + checkout.resolve("work/demo/edges")), tail(err));
        assertFalse(log.contains("embark: failed"), "no failure line besides the interruption: " + tail(err));
        assertEquals(List.of(), temporaries(checkout.resolve("work/demo")), "temporary output removed");
        assertEquals("an output written before this run", Files.readString(before), "the previous output is untouched");
    }

    private static List<Path> temporaries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(x -> x.getFileName().toString().contains("._tmp-")).toList();
        }
    }

    /** scripts/, conf/, the poms and the built jobs jar with its classpath (timestamps kept, so no script rebuilds). */
    private static Path copyOfCheckout(Path repo, Path to) throws IOException {
        copyTree(repo.resolve("scripts"), to.resolve("scripts"));
        copyTree(repo.resolve("conf"), to.resolve("conf"));
        Files.copy(repo.resolve("pom.xml"), to.resolve("pom.xml"), StandardCopyOption.COPY_ATTRIBUTES);
        Path target = to.resolve("jobs/target");
        Files.createDirectories(target);
        try (Stream<Path> s = Files.list(repo.resolve("jobs/target"))) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (n.equals("classpath.txt") || n.matches("embark-jobs-.*[0-9T]\\.jar")) {
                    Files.copy(p, target.resolve(n), StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return to;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static int bash(Path cwd, String command, Path log, int minutes) throws Exception {
        return bash(cwd, command, log, log, minutes);
    }

    /** Runs {@code command} with bash in {@code cwd}, stdout to {@code out}, stderr to {@code err} (may be the same file). */
    private static int bash(Path cwd, String command, Path out, Path err, int minutes) throws Exception {
        ProcessBuilder b = new ProcessBuilder("bash", "-c", command).directory(cwd.toFile());
        if (out.equals(err)) {
            b.redirectErrorStream(true).redirectOutput(out.toFile());
        } else {
            b.redirectOutput(out.toFile()).redirectError(err.toFile());
        }
        Process p = b.start();
        if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    /** The README line (outside prose) that starts with {@code prefix}, with its continuation lines joined. */
    private static String firstCommandStartingWith(List<String> readme, String prefix) {
        for (int i = 0; i < readme.size(); i++) {
            if (readme.get(i).startsWith(prefix)) {
                return commandsOf(readme.subList(i, readme.size())).get(0);
            }
        }
        throw new AssertionError("README has no line starting with " + prefix);
    }

    /** The lines of the fenced code block that contains a line starting with {@code marker}. */
    private static List<String> codeBlockWith(List<String> readme, String marker) {
        int start = -1;
        for (int i = 0; i < readme.size(); i++) {
            String l = readme.get(i);
            if (l.startsWith("```")) {
                if (start < 0) {
                    start = i + 1;
                } else {
                    List<String> block = readme.subList(start, i);
                    if (block.stream().anyMatch(b -> b.startsWith(marker))) {
                        return block;
                    }
                    start = -1;
                }
            }
        }
        throw new AssertionError("README has no code block with " + marker);
    }

    /** Shell commands from lines: a trailing backslash continues a command on the next line; blank lines end none. */
    private static List<String> commandsOf(List<String> lines) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String l : lines) {
            if (l.startsWith("```")) {
                break;
            }
            if (l.isBlank() && cur.length() == 0) {
                continue;
            }
            if (l.endsWith("\\")) {
                cur.append(l, 0, l.length() - 1).append(' ');
                continue;
            }
            cur.append(l);
            out.add(cur.toString().trim());
            cur.setLength(0);
        }
        assertFalse(out.isEmpty(), "no command in " + lines);
        return out;
    }

    private static String tail(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "(no log)";
        }
        String s = Files.readString(log);
        return s.substring(Math.max(0, s.length() - 4000));
    }
}
