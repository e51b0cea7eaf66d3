package io.embark.allreduce.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * This machine's loopback TCP ceiling for the traffic of a 2-rank all-reduce, measured in the same
 * run as the all-reduce itself (the stand-in for iperf3 where it is not installed): two sockets of
 * one connection each send {@code BYTES} and receive {@code BYTES} at the same time, blocking
 * channels, one thread per direction and side, each streaming through its own direct buffer of
 * {@code BYTES} in 1 MiB calls (so that memory is touched as an all-reduce touches it, not a cache-hot
 * 1 MiB buffer). A 2-rank all-reduce of
 * {@code BYTES} puts exactly this traffic on loopback (each rank sends {@code BYTES/2} in the
 * reduce-scatter and {@code BYTES/2} in the all-gather), so {@code BYTES / median time} here is the
 * bus bandwidth that a 2-process all-reduce could reach if it did nothing but move bytes.
 * <pre>
 *   LoopbackProbe BYTES ITERS
 * </pre>
 */
public final class LoopbackProbe {
    private LoopbackProbe() {
    }

    public static void main(String[] args) throws Exception {
        long bytes = Long.parseLong(args[0]);
        int iters = Integer.parseInt(args[1]);
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (SocketChannel a = SocketChannel.open(server.getLocalAddress()); SocketChannel b = server.accept()) {
                for (SocketChannel c : List.of(a, b)) {
                    c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                }
                double[] times = new double[iters];
                int warmup = Math.max(2, iters / 5);
                ByteBuffer[] bufs = new ByteBuffer[4];
                for (int k = 0; k < 4; k++) {
                    bufs[k] = ByteBuffer.allocateDirect(Math.toIntExact(bytes));
                }
                for (int i = -warmup; i < iters; i++) {
                    long t0 = System.nanoTime();
                    List<CompletableFuture<Void>> fs = new ArrayList<>();
                    int k = 0;
                    for (SocketChannel c : List.of(a, b)) {
                        ByteBuffer out = bufs[k++];
                        ByteBuffer in = bufs[k++];
                        fs.add(CompletableFuture.runAsync(() -> pump(c, out, true), LoopbackProbe::thread));
                        fs.add(CompletableFuture.runAsync(() -> pump(c, in, false), LoopbackProbe::thread));
                    }
                    fs.forEach(CompletableFuture::join);
                    if (i >= 0) {
                        times[i] = (System.nanoTime() - t0) * 1e-9;
                    }
                }
                // report as a 2-rank all-reduce of BYTES: bus bandwidth = BYTES / time
                AllReduceBench.report("loopback-ceiling", 2, bytes, times, "(each side sends and receives BYTES at once)");
            }
        }
    }

    private static void thread(Runnable r) {
        Thread t = new Thread(r, "loopback-probe");
        t.setDaemon(true);
        t.start();
    }

    private static void pump(SocketChannel c, ByteBuffer whole, boolean write) {
        ByteBuffer buf = whole.duplicate().clear();
        try {
            while (buf.position() < buf.capacity()) {
                buf.limit(Math.min(buf.capacity(), buf.position() + (1 << 20)));
                int n = write ? c.write(buf) : c.read(buf);
                if (n < 0) {
                    throw new IOException("closed early");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
