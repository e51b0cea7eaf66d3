package io.embark.allreduce.testing;

import io.embark.allreduce.CollectiveException;
import io.embark.allreduce.Communicator;
import io.embark.allreduce.CommunicatorOptions;
import io.embark.allreduce.ReduceOp;
import io.embark.allreduce.topology.RankLocation;
import io.embark.allreduce.topology.Topology;
import io.embark.allreduce.transport.TcpTransport;
import io.embark.allreduce.transport.TcpTransportConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * One rank in its own JVM, for the multi-JVM tests. Arguments: rank, comma-separated ports, secret
 * (hex), mode ({@code verify}: check all-reduces against the reference and exit 0; {@code loop}:
 * all-reduce forever, printing {@code ITER k}), elements, timeout seconds. Exit code 3 on a
 * collective failure, after printing it.
 */
public final class Worker {
    private Worker() {
    }

    public static void main(String[] args) throws Exception {
        int rank = Integer.parseInt(args[0]);
        List<Integer> ports = Arrays.stream(args[1].split(",")).map(Integer::valueOf).toList();
        byte[] secret = HexFormat.of().parseHex(args[2]);
        String mode = args[3];
        int n = Integer.parseInt(args[4]);
        Duration timeout = Duration.ofSeconds(Long.parseLong(args[5]));
        int p = ports.size();
        // two ranks per "host" label, so the hierarchical path crosses processes at both levels
        List<RankLocation> where = new ArrayList<>();
        for (int r = 0; r < p; r++) {
            where.add(new RankLocation("host" + r / 2, "pid" + r));
        }
        try (Communicator c = Communicator.builder().rank(rank).worldSize(p)
                .transport(TcpTransport.connect(TcpTransportConfig.loopback(rank, ports, secret)
                        .withConnectTimeout(timeout)))
                .topology(Topology.fromLocations(where))
                .options(CommunicatorOptions.defaults().withTimeout(timeout)).build()) {
            if (mode.equals("verify")) {
                for (int count : new int[] {0, 1, 7, 1000, n}) {
                    float[] x = Reference.floats(rank, count, count);
                    c.allReduce(x, ReduceOp.SUM);
                    double[][] in = new double[p][];
                    for (int r = 0; r < p; r++) {
                        in[r] = Reference.widen(Reference.floats(r, count, count));
                    }
                    double[] abs = new double[count];
                    double[] ref = Reference.reduce(in, ReduceOp.SUM, abs);
                    Reference.check("rank " + rank + " n=" + count, ref, abs, Reference.widen(x), 1e-6 * p);
                    System.out.println("OK " + count + " " + Arrays.hashCode(x));
                }
                c.barrier();
            } else {
                float[] x = new float[n];
                for (int k = 0; ; k++) {
                    c.allReduce(x, ReduceOp.SUM);
                    System.out.println("ITER " + k);
                    System.out.flush();
                }
            }
        } catch (CollectiveException e) {
            System.out.println("FAILED " + e.getClass().getSimpleName() + ": " + e.getMessage());
            System.out.flush();
            System.exit(3);
        }
        System.exit(0);
    }
}
