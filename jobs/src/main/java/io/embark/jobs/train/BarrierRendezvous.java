package io.embark.jobs.train;

import io.embark.allreduce.Cancellation;
import io.embark.allreduce.Communicator;
import io.embark.allreduce.CommunicatorOptions;
import io.embark.allreduce.topology.RankLocation;
import io.embark.allreduce.topology.Topology;
import io.embark.allreduce.transport.TcpTransport;
import io.embark.allreduce.transport.TcpTransportConfig;
import io.embark.jobs.config.DistributedConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;

/**
 * How the tasks of a barrier stage find each other and become a {@link Communicator}: each binds a listening socket
 * (at {@code distributed.bindAddress}, else its executor's host; at {@code distributed.port + rank}, else any free
 * port), announces {@code host port executor} with {@link BarrierTaskContext#allGather}, and connects the TCP mesh,
 * every connection proving the per-job secret. The hierarchy comes from where Spark placed the tasks: tasks of one
 * executor JVM, then executors of one host, then hosts. Nothing outlives the stage: the communicator closes with
 * the task.
 *
 * <p>Every wait of the mesh and of the collectives also asks the task's {@link TaskContext#isInterrupted()}: when a
 * peer's executor dies, Spark kills the other tasks of the barrier stage by marking them, without interrupting their
 * threads, so without that question a surviving task would sit in its wait until {@code distributed.timeoutSeconds}.
 * With it, the task stops within a fraction of a second and Spark can rerun the stage.
 */
final class BarrierRendezvous {

    private BarrierRendezvous() {
    }

    static Communicator connect(BarrierTaskContext ctx, DistributedConfig config, byte[] secret) throws IOException {
        int rank = ctx.partitionId();
        int size = ctx.getTaskInfos().length;
        String host = config.bindAddress().orElseGet(() -> hostOf(ctx.getTaskInfos()[rank].address()));
        int port = config.port().map(p -> p + rank).orElse(0);
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress(host, port), Math.max(64, size));
        } catch (IOException e) {
            server.close();
            throw new IOException("worker " + rank + ": cannot listen on " + host + ":" + port
                    + " (distributed.bindAddress / distributed.port): " + e.getMessage(), e);
        }
        int bound = ((InetSocketAddress) server.getLocalAddress()).getPort();
        String executor = SparkEnv.get() == null ? "driver" : SparkEnv.get().executorId();
        String me = host + " " + bound + " " + executor + "@" + ManagementFactory.getRuntimeMXBean().getName();
        String[] all;
        try {
            all = ctx.allGather(me);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        List<InetSocketAddress> addresses = new ArrayList<>();
        List<RankLocation> locations = new ArrayList<>();
        for (String s : all) {
            String[] f = s.split(" ");
            addresses.add(new InetSocketAddress(f[0], Integer.parseInt(f[1])));
            locations.add(new RankLocation(f[0], f[2]));
        }
        Duration timeout = Duration.ofSeconds(config.timeoutSeconds());
        Cancellation killed = killedTask(ctx);
        TcpTransport transport = TcpTransport.connect(TcpTransportConfig.of(rank, addresses, secret)
                .withConnectTimeout(timeout).withCancellation(killed), server);
        return Communicator.builder().rank(rank).worldSize(size).transport(transport)
                .topology(Topology.fromLocations(locations)).cancellation(killed)
                .options(CommunicatorOptions.defaults().withTimeout(timeout)).build();
    }

    /**
     * True once Spark has killed the task (a peer's task failed, or the job was cancelled). The context is the one
     * of the task's own thread, kept here: the question is asked from whatever thread waits (async collectives).
     */
    static Cancellation killedTask(TaskContext task) {
        return task::isInterrupted;
    }

    private static String hostOf(String address) {
        int colon = address.lastIndexOf(':');
        return colon < 0 ? address : address.substring(0, colon);
    }
}
