package io.embark.allreduce;

import io.embark.allreduce.testing.Worker;
import io.embark.allreduce.testing.Worlds;
import io.embark.allreduce.transport.TcpTransportConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real separate JVMs on loopback: correctness across processes, and a rank killed mid-operation. */
class MultiJvmTest {

    /** A child JVM running {@link Worker}, with its output collected line by line. */
    static final class Child {
        final Process process;
        final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();

        Child(int rank, List<Integer> ports, byte[] secret, String mode, int n, int timeoutSeconds) throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String ports1 = ports.stream().map(String::valueOf).collect(Collectors.joining(","));
            process = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                    Worker.class.getName(), String.valueOf(rank), ports1, HexFormat.of().formatHex(secret), mode,
                    String.valueOf(n), String.valueOf(timeoutSeconds))
                    .redirectErrorStream(true).start();
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // process gone
                }
            });
            t.setDaemon(true);
            t.start();
        }

        int waitFor(long seconds) throws InterruptedException {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("child did not exit within " + seconds + " s; output: " + lines);
            }
            return process.exitValue();
        }

        boolean saw(String prefix) {
            return lines.stream().anyMatch(l -> l.startsWith(prefix));
        }
    }

    @Test
    @Timeout(120)
    void fourProcessesAgreeWithTheReference() throws Exception {
        int p = 4;
        List<Integer> ports = Worlds.freePorts(p);
        byte[] secret = TcpTransportConfig.randomSecret();
        List<Child> children = new ArrayList<>();
        for (int r = 0; r < p; r++) {
            children.add(new Child(r, ports, secret, "verify", 1_000_003, 60));
        }
        for (int r = 0; r < p; r++) {
            Child c = children.get(r);
            assertEquals(0, c.waitFor(90), "rank " + r + " output: " + c.lines);
            assertTrue(c.saw("OK 1000003"), "rank " + r + " output: " + c.lines);
        }
        // bit-identical results in every process
        List<String> last = children.stream().map(c -> c.lines.stream().filter(l -> l.startsWith("OK 1000003"))
                .findFirst().orElseThrow()).toList();
        assertEquals(1, last.stream().distinct().count(), last.toString());
    }

    @Test
    @Timeout(120)
    void killingARankMidOperationFailsEveryOtherRankWithinTheTimeout() throws Exception {
        int p = 3;
        int timeoutSeconds = 20;
        List<Integer> ports = Worlds.freePorts(p);
        byte[] secret = TcpTransportConfig.randomSecret();
        List<Child> children = new ArrayList<>();
        for (int r = 0; r < p; r++) {
            children.add(new Child(r, ports, secret, "loop", 4_000_000, timeoutSeconds));
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!children.stream().allMatch(c -> c.saw("ITER 2"))) {
            if (System.nanoTime() > until) {
                children.forEach(c -> c.process.destroyForcibly());
                throw new AssertionError("children never got going: " + children.stream().map(c -> c.lines).toList());
            }
            Thread.sleep(20);
        }
        long t0 = System.nanoTime();
        children.get(1).process.destroyForcibly();
        for (int r : new int[] {0, 2}) {
            Child c = children.get(r);
            assertEquals(3, c.waitFor(timeoutSeconds + 10), "rank " + r + " output tail: " + c.lines);
            String failure = c.lines.stream().filter(l -> l.startsWith("FAILED")).findFirst().orElseThrow();
            assertTrue(failure.contains("PeerFailedException") && failure.contains("rank 1"), failure);
        }
        double seconds = (System.nanoTime() - t0) * 1e-9;
        assertTrue(seconds < timeoutSeconds, "survivors took " + seconds + " s to fail");
    }
}
