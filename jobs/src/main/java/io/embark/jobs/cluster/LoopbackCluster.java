package io.embark.jobs.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real Spark standalone cluster on loopback, started from the Maven classpath: one master and N workers, each its
 * own JVM, as the multi-JVM tests and {@code scripts/local-cluster.sh} use it. Workers launch executor JVMs as on
 * any standalone cluster; jobs reach it at {@link #masterUrl()} and give executors their classpath with
 * {@code spark.executor.extraClassPath}.
 *
 * <p>What a worker needs without a Spark distribution: {@code SPARK_HOME} naming a folder with an empty {@code jars/}
 * folder, and {@code SPARK_SCALA_VERSION=2.13}. Start-up waits for the master's {@code /json/} endpoint before
 * starting workers, and for every worker to be ALIVE before returning; every wait is bounded.
 *
 * <pre>java -cp CLASSPATH io.embark.jobs.cluster.LoopbackCluster WORKDIR WORKERS [CORES_PER_WORKER [MEMORY]]</pre>
 * prints the master URL and runs until killed.
 */
public final class LoopbackCluster implements AutoCloseable {

    private final Process master;
    private final List<Process> workers;
    private final String masterUrl;
    private final int webUiPort;

    private LoopbackCluster(Process master, List<Process> workers, String masterUrl, int webUiPort) {
        this.master = master;
        this.workers = workers;
        this.masterUrl = masterUrl;
        this.webUiPort = webUiPort;
    }

    /**
     * Starts a master and {@code workers} workers of {@code cores} cores and {@code memory} (e.g. {@code 2g}) each;
     * their logs go to {@code workDir}. {@code javaOptions} are the JVM flags Spark needs on this Java (the
     * {@code --add-opens} list).
     */
    public static LoopbackCluster start(Path workDir, int workers, int cores, String memory, String classpath,
                                        List<String> javaOptions, Duration timeout) throws IOException {
        Path sparkHome = workDir.resolve("spark-home");
        Files.createDirectories(sparkHome.resolve("jars"));
        int port = freePort();
        int ui = freePort();
        String url = "spark://127.0.0.1:" + port;
        List<Process> started = new ArrayList<>();
        Process m = launch(workDir, "master", sparkHome, classpath, javaOptions, List.of("org.apache.spark.deploy.master.Master",
                "--host", "127.0.0.1", "--port", String.valueOf(port), "--webui-port", String.valueOf(ui)));
        LoopbackCluster cluster = new LoopbackCluster(m, started, url, ui);
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            cluster.awaitAlive(0, deadline);
            for (int i = 0; i < workers; i++) {
                started.add(launch(workDir, "worker-" + i, sparkHome, classpath, javaOptions, List.of(
                        "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--webui-port", String.valueOf(freePort()),
                        "--cores", String.valueOf(cores), "--memory", memory,
                        "--work-dir", workDir.resolve("worker-" + i).toString(), url)));
            }
            cluster.awaitAlive(workers, deadline);
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    private static Process launch(Path workDir, String name, Path sparkHome, String classpath, List<String> javaOptions,
                                  List<String> mainAndArgs) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.addAll(javaOptions);
        cmd.add("-Dspark.master.rest.enabled=false");
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.addAll(mainAndArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(workDir.resolve(name + ".log").toFile());
        Map<String, String> env = pb.environment();
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        Files.createDirectories(workDir);
        return pb.start();
    }

    /** Waits until the master answers and reports {@code aliveWorkers} ALIVE workers. */
    private void awaitAlive(int aliveWorkers, long deadline) throws IOException {
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!master.isAlive()) {
                throw new IOException("the Spark master exited with " + master.exitValue() + " (see master.log)");
            }
            for (Process w : workers) {
                if (!w.isAlive()) {
                    throw new IOException("a Spark worker exited with " + w.exitValue() + " (see worker-N.log)");
                }
            }
            try {
                JsonNode json = status();
                int alive = 0;
                for (JsonNode w : json.path("workers")) {
                    if ("ALIVE".equals(w.path("state").asText())) {
                        alive++;
                    }
                }
                if ("ALIVE".equals(json.path("status").asText()) && alive >= aliveWorkers) {
                    return;
                }
                last = "status " + json.path("status").asText() + ", " + alive + " alive worker(s)";
            } catch (IOException e) {
                last = e.getMessage();
            }
            sleep(250);
        }
        throw new IOException("the loopback Spark cluster did not get " + aliveWorkers + " alive worker(s) in time (" + last + ")");
    }

    /** The master's {@code /json/} status. */
    public JsonNode status() throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + webUiPort + "/json/").toURL().openConnection();
        c.setConnectTimeout(2000);
        c.setReadTimeout(2000);
        try (InputStream in = c.getInputStream()) {
            return new ObjectMapper().readTree(in);
        } finally {
            c.disconnect();
        }
    }

    public String masterUrl() {
        return masterUrl;
    }

    /** The executor JVMs the workers launched and that still run. */
    public List<ProcessHandle> executors() {
        List<ProcessHandle> out = new ArrayList<>();
        for (Process w : workers) {
            w.toHandle().descendants().filter(LoopbackCluster::isExecutor).forEach(out::add);
        }
        return out;
    }

    /** Whether a process runs Spark's executor backend (its command line names the class). */
    private static boolean isExecutor(ProcessHandle p) {
        // ProcessHandle.Info drops the arguments of very long command lines (the executor's classpath is long): read
        // /proc directly where there is one
        Path cmdline = Path.of("/proc", String.valueOf(p.pid()), "cmdline");
        try {
            if (Files.exists(cmdline)) {
                return new String(Files.readAllBytes(cmdline), java.nio.charset.StandardCharsets.ISO_8859_1)
                        .contains("CoarseGrainedExecutorBackend");
            }
        } catch (IOException e) {
            return false;
        }
        return p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend");
    }

    @Override
    public void close() {
        List<ProcessHandle> all = new ArrayList<>();
        for (Process w : workers) {
            w.toHandle().descendants().forEach(all::add);
            all.add(w.toHandle());
        }
        all.add(master.toHandle());
        for (ProcessHandle p : all) {
            p.destroyForcibly();
        }
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                // best effort: a process that does not exit in 30 s after SIGKILL is beyond our reach
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the cluster", e);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: LoopbackCluster WORKDIR WORKERS [CORES_PER_WORKER [MEMORY]]");
            System.exit(2);
        }
        List<String> opens = List.of(System.getProperty("embark.java.opens", "").split(" ")).stream().filter(s -> !s.isBlank()).toList();
        LoopbackCluster c = start(Path.of(args[0]), Integer.parseInt(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 1,
                args.length > 3 ? args[3] : "2g", System.getProperty("java.class.path"), opens, Duration.ofMinutes(2));
        Runtime.getRuntime().addShutdownHook(new Thread(c::close));
        System.out.println(c.masterUrl());
        System.out.flush();
        Thread.currentThread().join();
    }
}
