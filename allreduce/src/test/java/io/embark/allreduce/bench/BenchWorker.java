package io.embark.allreduce.bench;

import io.embark.allreduce.AlgorithmChoice;
import io.embark.allreduce.Communicator;
import io.embark.allreduce.CommunicatorOptions;
import io.embark.allreduce.DataType;
import io.embark.allreduce.ReduceOp;
import io.embark.allreduce.buffer.ElementBuffer;
import io.embark.allreduce.topology.Topology;
import io.embark.allreduce.transport.TcpTransport;
import io.embark.allreduce.transport.TcpTransportConfig;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * One benchmark rank in its own JVM (started by {@link AllReduceBench}). Arguments: rank, ports
 * (comma-separated), secret hex, bytes, iterations, warm-up iterations, buffer kind ({@code array}:
 * a float[]; {@code direct}: a direct little-endian ByteBuffer, sent and received without copies),
 * segment bytes (several, comma-separated, take turns iteration by iteration on one connection, so
 * that their ratio is measured under the same load), algorithm. Each timed iteration is preceded by
 * a barrier; the slowest rank's time counts. Rank 0 prints one {@code TIMES t1 t2 ...} line (seconds)
 * per segment size, in the order given.
 */
public final class BenchWorker {
    private BenchWorker() {
    }

    public static void main(String[] args) throws Exception {
        int rank = Integer.parseInt(args[0]);
        // "port,port,..." on 127.0.0.1, or "host:port,host:port,..." (the network-emulation script)
        List<java.net.InetSocketAddress> addrs = Arrays.stream(args[1].split(",")).map(a -> a.contains(":")
                ? new java.net.InetSocketAddress(a.substring(0, a.lastIndexOf(':')), Integer.parseInt(a.substring(a.lastIndexOf(':') + 1)))
                : new java.net.InetSocketAddress("127.0.0.1", Integer.parseInt(a))).toList();
        byte[] secret = HexFormat.of().parseHex(args[2]);
        long bytes = Long.parseLong(args[3]);
        int iters = Integer.parseInt(args[4]);
        int warmup = Integer.parseInt(args[5]);
        String kind = args[6];
        int[] segments = Arrays.stream(args[7].split(",")).mapToInt(Integer::parseInt).toArray();
        AlgorithmChoice algo = AlgorithmChoice.valueOf(args[8]);
        int n = (int) (bytes / 4);
        // optional 10th argument: a uniform topology such as "4x2" (4 ranks per host, 2 hosts)
        Topology topology = args.length > 9
                ? Topology.uniform(Arrays.stream(args[9].split("x")).mapToInt(Integer::parseInt).toArray())
                : Topology.flat(addrs.size());
        TcpTransportConfig cfg = TcpTransportConfig.of(rank, addrs, secret).withSegmentBytes(segments[0]);
        if (System.getenv("SOCKBUF") != null && !System.getenv("SOCKBUF").isEmpty()) {
            cfg = cfg.withSocketBufferBytes(Integer.parseInt(System.getenv("SOCKBUF")));
        }
        TcpTransport transport = TcpTransport.connect(cfg);
        Communicator[] cs = new Communicator[segments.length];
        for (int k = 0; k < segments.length; k++) {
            cs[k] = Communicator.builder().transport(transport).topology(topology)
                    .options(CommunicatorOptions.defaults().withTimeout(Duration.ofSeconds(120)).withAlgorithm(algo)
                            .withSegmentBytes(segments[k])).build();
        }
        try {
            ElementBuffer data;
            if (kind.equals("direct")) {
                ByteBuffer b = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.LITTLE_ENDIAN);
                data = ElementBuffer.ofBytes(b, DataType.FLOAT32);
            } else {
                data = ElementBuffer.of(new float[n]);
            }
            double[][] times = new double[segments.length][iters];
            for (int i = -warmup; i < iters; i++) {
                for (int k = 0; k < cs.length; k++) {
                    // the communicators share one transport and run strictly one after another, in the
                    // same order on every rank, so their automatic tags never mix
                    cs[k].barrier();
                    long t0 = System.nanoTime();
                    cs[k].allReduce(data, ReduceOp.SUM);
                    double t = (System.nanoTime() - t0) * 1e-9;
                    if (i >= 0) {
                        times[k][i] = t;
                    }
                }
            }
            for (int k = 0; k < cs.length; k++) {
                cs[0].allReduce(times[k], ReduceOp.MAX);
                if (rank == 0) {
                    StringBuilder sb = new StringBuilder("TIMES");
                    for (double t : times[k]) {
                        sb.append(' ').append(t);
                    }
                    System.out.println(sb);
                }
            }
        } finally {
            cs[0].close();
        }
    }
}
