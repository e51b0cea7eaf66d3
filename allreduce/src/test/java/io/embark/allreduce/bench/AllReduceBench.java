package io.embark.allreduce.bench;

import io.embark.allreduce.AlgorithmChoice;
import io.embark.allreduce.Communicator;
import io.embark.allreduce.CommunicatorOptions;
import io.embark.allreduce.ReduceOp;
import io.embark.allreduce.transport.InProcessFabric;
import io.embark.allreduce.transport.TcpTransportConfig;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * All-reduce benchmarks; one result line each, {@code key=value} pairs that later runs can be
 * compared against. Run through {@code scripts/bench-allreduce.sh}.
 * <pre>
 *   tcp      P BYTES ITERS [array|direct] [SEGMENT,...] [ALGORITHM] P processes on loopback (segment sizes take turns)
 *   inproc   P BYTES ITERS [ALGORITHM,...]                          P threads in this JVM (algorithms take turns)
 * </pre>
 * Bus bandwidth is {@code 2(p-1)/p x bytes / median time}, the figure NCCL reports.
 */
public final class AllReduceBench {
    private AllReduceBench() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int p = Integer.parseInt(args[1]);
        long bytes = Long.parseLong(args[2]);
        int iters = Integer.parseInt(args[3]);
        if (mode.equals("tcp")) {
            String kind = args.length > 4 ? args[4] : "array";
            String[] segments = (args.length > 5 ? args[5] : String.valueOf(1 << 20)).split(",");
            String algo = args.length > 6 ? args[6] : "AUTO";
            List<double[]> t = tcp(p, bytes, iters, kind, String.join(",", segments), algo);
            for (int k = 0; k < segments.length; k++) {
                report("allreduce-tcp-" + kind, p, bytes, t.get(k), "segment=" + segments[k] + " algorithm=" + algo);
            }
        } else if (mode.equals("inproc")) {
            String[] algos = (args.length > 4 ? args[4] : "AUTO").split(",");
            double[][] t = inProcess(p, bytes, iters, algos);
            for (int k = 0; k < algos.length; k++) {
                report("allreduce-inproc", p, bytes, t[k], "algorithm=" + algos[k]);
            }
        } else {
            throw new IllegalArgumentException("mode: " + mode + " (expected tcp or inproc)");
        }
    }

    static void report(String name, int p, long bytes, double[] times, String extra) {
        double[] s = times.clone();
        Arrays.sort(s);
        double median = s[s.length / 2];
        double busBw = 2.0 * (p - 1) / p * bytes / median / 1e9;
        System.out.println(String.format(Locale.ROOT,
                "RESULT bench=%s p=%d bytes=%d iters=%d median_ms=%.3f min_ms=%.3f busbw_GBps=%.3f algbw_GBps=%.3f %s",
                name, p, bytes, times.length, median * 1e3, s[0] * 1e3, busBw, bytes / median / 1e9, extra).trim());
    }

    static List<double[]> tcp(int p, long bytes, int iters, String kind, String segments, String algo) throws Exception {
        List<Integer> ports = freePorts(p);
        String secret = HexFormat.of().formatHex(TcpTransportConfig.randomSecret());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String portList = ports.stream().map(String::valueOf).collect(Collectors.joining(","));
        long heap = Math.max(512, bytes * 4 / (1 << 20) + 256);
        List<Process> procs = new ArrayList<>();
        for (int r = 0; r < p; r++) {
            procs.add(new ProcessBuilder(java, "-Xmx" + heap + "m", "-XX:MaxDirectMemorySize=" + heap + "m",
                    "-cp", System.getProperty("java.class.path"), BenchWorker.class.getName(),
                    String.valueOf(r), portList, secret, String.valueOf(bytes), String.valueOf(iters),
                    String.valueOf(Math.max(3, iters / 5)), kind, segments, algo)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start());
        }
        List<CompletableFuture<String>> outs = new ArrayList<>();
        for (Process pr : procs) {
            outs.add(CompletableFuture.supplyAsync(() -> readAll(pr)));
        }
        List<double[]> times = new ArrayList<>();
        for (int r = 0; r < p; r++) {
            String out = outs.get(r).get();
            int rc = procs.get(r).waitFor();
            if (rc != 0) {
                throw new IllegalStateException("rank " + r + " exited " + rc + ": " + out);
            }
            for (String line : out.split("\n")) {
                if (line.startsWith("TIMES")) {
                    times.add(Arrays.stream(line.substring(6).trim().split(" ")).mapToDouble(Double::parseDouble).toArray());
                }
            }
        }
        return times;
    }

    /**
     * P threads of this JVM; with several algorithms (comma-separated) they take turns iteration by
     * iteration, so that a noisy machine slows them alike and their ratio stays meaningful.
     */
    static double[][] inProcess(int p, long bytes, int iters, String[] algos) throws Exception {
        int a = algos.length;
        int n = (int) (bytes / 4);
        List<List<Communicator>> cs = new ArrayList<>();
        for (String algo : algos) {
            InProcessFabric fabric = new InProcessFabric(p);
            List<Communicator> row = new ArrayList<>();
            for (int r = 0; r < p; r++) {
                row.add(Communicator.builder().transport(fabric.transport(r))
                        .options(CommunicatorOptions.defaults().withAlgorithm(AlgorithmChoice.valueOf(algo))).build());
            }
            cs.add(row);
        }
        double[][][] times = new double[a][p][iters];
        List<Thread> threads = new ArrayList<>();
        int warmup = Math.max(3, iters / 5);
        for (int r = 0; r < p; r++) {
            int rank = r;
            Thread t = new Thread(() -> {
                float[] data = new float[n];
                for (int i = -warmup; i < iters; i++) {
                    for (int k = 0; k < a; k++) {
                        Communicator c = cs.get(k).get(rank);
                        c.barrier();
                        long t0 = System.nanoTime();
                        c.allReduce(data, ReduceOp.SUM);
                        if (i >= 0) {
                            times[k][rank][i] = (System.nanoTime() - t0) * 1e-9;
                        }
                    }
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        cs.forEach(row -> row.forEach(Communicator::close));
        double[][] slowest = new double[a][iters];
        for (int k = 0; k < a; k++) {
            for (int i = 0; i < iters; i++) {
                for (int r = 0; r < p; r++) {
                    slowest[k][i] = Math.max(slowest[k][i], times[k][r][i]);
                }
            }
        }
        return slowest;
    }

    static String readAll(Process p) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            return r.lines().collect(Collectors.joining("\n"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    static List<Integer> freePorts(int n) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                held.add(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
            }
            return held.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }
}
