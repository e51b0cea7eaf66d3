package io.embark.allreduce.bench;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * XGBoost4J's collective ({@code ml.dmlc.xgboost4j.java.Communicator.allReduce}) measured the same
 * way as {@link AllReduceBench}: P worker JVMs on loopback, a rendezvous tracker in this JVM, a tiny
 * all-reduce as the barrier before each timed one, the slowest rank's time per iteration. Reached by
 * reflection so that the module's normal build does not need XGBoost4J; put it on the class path with
 * the {@code xgboost-bench} Maven profile (see {@code scripts/bench-allreduce.sh}).
 * <pre>
 *   xgb P BYTES ITERS
 * </pre>
 */
public final class XgboostBench {
    private static final String PKG = "ml.dmlc.xgboost4j.java.";

    private XgboostBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("worker")) {
            worker(args);
            return;
        }
        int p = Integer.parseInt(args[1]);
        long bytes = Long.parseLong(args[2]);
        int iters = Integer.parseInt(args[3]);
        Class<?> trackerClass = Class.forName(PKG + "RabitTracker");
        Object tracker = trackerClass.getConstructor(int.class, String.class).newInstance(p, "127.0.0.1");
        trackerClass.getMethod("start").invoke(tracker);
        @SuppressWarnings("unchecked")
        Map<String, Object> workerArgs = (Map<String, Object>) trackerClass.getMethod("getWorkerArgs").invoke(tracker);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        long heap = Math.max(512, bytes * 4 / (1 << 20) + 256);
        List<Process> procs = new ArrayList<>();
        for (int r = 0; r < p; r++) {
            List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + heap + "m", "-cp", System.getProperty("java.class.path"),
                    XgboostBench.class.getName(), "worker", String.valueOf(r), String.valueOf(bytes), String.valueOf(iters)));
            workerArgs.forEach((k, v) -> cmd.add(k + "=" + v));
            procs.add(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start());
        }
        List<CompletableFuture<String>> outs = new ArrayList<>();
        for (Process pr : procs) {
            outs.add(CompletableFuture.supplyAsync(() -> AllReduceBench.readAll(pr)));
        }
        double[] times = null;
        for (int r = 0; r < p; r++) {
            String out = outs.get(r).get();
            if (procs.get(r).waitFor() != 0) {
                throw new IllegalStateException("xgboost worker " + r + " failed: " + out);
            }
            for (String line : out.split("\n")) {
                if (line.startsWith("TIMES")) {
                    times = Arrays.stream(line.substring(6).trim().split(" ")).mapToDouble(Double::parseDouble).toArray();
                }
            }
        }
        trackerClass.getMethod("waitFor", long.class).invoke(tracker, 10_000L);
        AllReduceBench.report("xgboost4j-" + p + "proc", p, bytes, times, "version=2.1.4");
    }

    private static void worker(String[] args) throws Exception {
        int n = (int) (Long.parseLong(args[2]) / 4);
        int iters = Integer.parseInt(args[3]);
        Map<String, Object> init = new HashMap<>();
        for (int i = 4; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            String v = args[i].substring(eq + 1);
            init.put(args[i].substring(0, eq), v.matches("-?\\d+") ? (Object) Integer.valueOf(v) : v);
        }
        init.put("dmlc_task_id", args[1]);
        init.put("dmlc_communicator", "rabit");
        Class<?> comm = Class.forName(PKG + "Communicator");
        Class<?> opType = Class.forName(PKG + "Communicator$OpType");
        Method allReduce = comm.getMethod("allReduce", float[].class, opType);
        Object sum = enumValue(opType, "SUM");
        Object max = enumValue(opType, "MAX");
        comm.getMethod("init", Map.class).invoke(null, init);
        int rank = (Integer) comm.getMethod("getRank").invoke(null);
        float[] data = new float[n];
        float[] tiny = new float[1];
        double[] times = new double[iters];
        int warmup = Math.max(2, iters / 10);
        for (int i = -warmup; i < iters; i++) {
            allReduce.invoke(null, tiny, sum);
            long t0 = System.nanoTime();
            allReduce.invoke(null, data, sum);
            if (i >= 0) {
                times[i] = (System.nanoTime() - t0) * 1e-9;
            }
        }
        float[] ft = new float[iters];
        for (int i = 0; i < iters; i++) {
            ft[i] = (float) times[i];
        }
        float[] slowest = (float[]) allReduce.invoke(null, ft, max);
        if (rank == 0) {
            StringBuilder sb = new StringBuilder("TIMES");
            for (float t : slowest) {
                sb.append(' ').append(t);
            }
            System.out.println(sb);
        }
        comm.getMethod("shutdown").invoke(null);
    }

    private static Object enumValue(Class<?> e, String name) {
        for (Object c : e.getEnumConstants()) {
            if (((Enum<?>) c).name().equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException(name);
    }
}
