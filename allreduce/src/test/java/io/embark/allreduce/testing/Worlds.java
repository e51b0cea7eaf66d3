package io.embark.allreduce.testing;

import io.embark.allreduce.transport.InProcessFabric;
import io.embark.allreduce.transport.TcpTransport;
import io.embark.allreduce.transport.TcpTransportConfig;
import io.embark.allreduce.transport.Transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Opens all ranks' transports of a test job in this JVM. */
public final class Worlds {
    private Worlds() {
    }

    public enum Kind { IN_PROCESS, TCP }

    public static List<Transport> open(Kind kind, int p) {
        return kind == Kind.IN_PROCESS ? inProcess(p) : tcp(p, TcpTransportConfig.randomSecret(), 1 << 16);
    }

    public static List<Transport> inProcess(int p) {
        InProcessFabric fabric = new InProcessFabric(p);
        List<Transport> out = new ArrayList<>();
        for (int r = 0; r < p; r++) {
            out.add(fabric.transport(r));
        }
        return out;
    }

    /** p TCP ranks on 127.0.0.1, listening channels bound to port 0 first (no port race). */
    public static List<Transport> tcp(int p, byte[] secret, int segmentBytes) {
        List<ServerSocketChannel> servers = new ArrayList<>();
        List<InetSocketAddress> addresses = new ArrayList<>();
        try {
            for (int r = 0; r < p; r++) {
                ServerSocketChannel s = ServerSocketChannel.open();
                s.bind(new InetSocketAddress("127.0.0.1", 0), 64);
                servers.add(s);
                addresses.add((InetSocketAddress) s.getLocalAddress());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<TcpTransport> ts = Ranks.run(p, Duration.ofSeconds(60), r -> {
            try {
                TcpTransportConfig c = TcpTransportConfig.of(r, addresses, secret)
                        .withConnectTimeout(Duration.ofSeconds(30)).withSegmentBytes(segmentBytes);
                return TcpTransport.connect(c, servers.get(r));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return new ArrayList<>(ts);
    }

    /** Free TCP ports on 127.0.0.1 (for child JVMs, which must bind themselves). */
    public static List<Integer> freePorts(int n) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
                held.add(s);
            }
            return held.stream().map(ServerSocket::getLocalPort).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    public static void closeAll(List<? extends Transport> ts) {
        Ranks.run(ts.size(), Duration.ofSeconds(30), r -> {
            ts.get(r).close();
            return null;
        });
    }
}
