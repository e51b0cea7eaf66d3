package io.embark.allreduce;

import io.embark.allreduce.testing.Ranks;
import io.embark.allreduce.testing.Worlds;
import io.embark.allreduce.transport.TcpTransport;
import io.embark.allreduce.transport.TcpTransportConfig;
import io.embark.allreduce.transport.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stuck peers, wrong secrets and garbage bytes all end in clear errors within the timeout; nothing hangs. */
class FaultTest {

    @Test
    @Timeout(30)
    void aRankThatNeverArrivesMakesEveryOtherRankFailWithinTheTimeout() {
        int p = 4;
        List<Transport> ts = Worlds.inProcess(p);
        Duration timeout = Duration.ofMillis(800);
        long t0 = System.nanoTime();
        List<Throwable> errors = Ranks.failures(p, Duration.ofSeconds(20), r -> {
            if (r == 3) {
                return null; // rank 3 is stuck elsewhere and never calls the collective
            }
            Communicator c = Communicator.builder().transport(ts.get(r))
                    .options(CommunicatorOptions.defaults().withTimeout(timeout)).build();
            c.allReduce(new float[1000], ReduceOp.SUM);
            return null;
        });
        double seconds = (System.nanoTime() - t0) * 1e-9;
        for (int r = 0; r < 3; r++) {
            assertInstanceOf(CollectiveException.class, errors.get(r), "rank " + r);
            String m = errors.get(r).getMessage();
            assertTrue(m.contains("allReduce") && (m.contains("did not complete within PT0.8S") || m.contains("aborted")), m);
        }
        assertTrue(seconds < 5, "all ranks failed after " + seconds + " s");
    }

    @Test
    @Timeout(30)
    void afterAFailureTheCommunicatorRefusesFurtherWork() {
        List<Transport> ts = Worlds.inProcess(2);
        Communicator c0 = Communicator.builder().transport(ts.get(0))
                .options(CommunicatorOptions.defaults().withTimeout(Duration.ofMillis(200))).build();
        assertThrows(CollectiveTimeoutException.class, () -> c0.allReduce(new float[3], ReduceOp.SUM));
        CollectiveException again = assertThrows(CollectiveException.class, () -> c0.barrier());
        assertTrue(again.getMessage().contains("aborted by an earlier failure"), again.getMessage());
        // the other rank learns at once instead of waiting for its own timeout
        Communicator c1 = Communicator.builder().transport(ts.get(1)).build();
        long t0 = System.nanoTime();
        assertThrows(PeerFailedException.class, () -> c1.allReduce(new float[3], ReduceOp.SUM));
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L);
        c0.close();
        c1.close();
    }

    @Test
    @Timeout(60)
    void wrongSecretFailsClearlyOnBothSides() throws IOException {
        int p = 3;
        List<ServerSocketChannel> servers = new ArrayList<>();
        List<InetSocketAddress> addrs = new ArrayList<>();
        for (int r = 0; r < p; r++) {
            ServerSocketChannel s = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
            servers.add(s);
            addrs.add((InetSocketAddress) s.getLocalAddress());
        }
        byte[] secret = TcpTransportConfig.randomSecret();
        byte[] wrong = TcpTransportConfig.randomSecret();
        List<Throwable> errors = Ranks.failures(p, Duration.ofSeconds(30), r -> {
            TcpTransportConfig c = TcpTransportConfig.of(r, addrs, r == 2 ? wrong : secret)
                    .withConnectTimeout(Duration.ofSeconds(3));
            try (TcpTransport t = TcpTransport.connect(c, servers.get(r))) {
                return t;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        assertInstanceOf(PeerFailedException.class, errors.get(2));
        assertTrue(errors.get(2).getMessage().contains("failed to prove the job secret"), errors.get(2).getMessage());
        for (int r = 0; r < 2; r++) {
            assertInstanceOf(CollectiveTimeoutException.class, errors.get(r), "rank " + r);
            String m = errors.get(r).getMessage();
            assertTrue(m.contains("ranks [2] did not connect within PT3S"), m);
        }
        assertTrue(errors.get(0).getMessage().contains("rejected"), errors.get(0).getMessage());
    }

    @Test
    @Timeout(60)
    void garbageAndImpostorsAreRejectedWhileTheJobGoesOn() throws Exception {
        List<Transport> ts = Worlds.tcp(2, TcpTransportConfig.randomSecret(), 1 << 16);
        TcpTransport t0 = (TcpTransport) ts.get(0);
        InetSocketAddress addr = t0.listenAddress();
        // garbage bytes
        try (Socket s = new Socket(addr.getAddress(), addr.getPort())) {
            byte[] junk = new byte[4096];
            new Random(1).nextBytes(junk);
            OutputStream out = s.getOutputStream();
            out.write(junk);
            out.flush();
            int end;
            try {
                end = s.getInputStream().read();
            } catch (java.net.SocketException reset) {
                end = -1; // closed with our junk unread: a reset is as good as an orderly close
            }
            assertEquals(-1, end, "garbage connection is closed");
        }
        // an impostor that speaks the protocol but holds another secret, claiming to be rank 1
        List<Throwable> impostor = Ranks.failures(1, Duration.ofSeconds(20), r -> {
            List<InetSocketAddress> addrs = List.of(addr, new InetSocketAddress("127.0.0.1", 1));
            try {
                ServerSocketChannel own = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
                TcpTransport.connect(TcpTransportConfig.of(1, addrs, TcpTransportConfig.randomSecret())
                        .withConnectTimeout(Duration.ofSeconds(3)), own).close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return null;
        });
        assertInstanceOf(PeerFailedException.class, impostor.get(0));
        // the real job is undisturbed
        List<Communicator> cs = new ArrayList<>();
        for (Transport t : ts) {
            cs.add(Communicator.builder().transport(t).build());
        }
        Ranks.run(2, Duration.ofSeconds(20), r -> {
            float[] x = {r + 1};
            cs.get(r).allReduce(x, ReduceOp.SUM);
            assertEquals(3f, x[0]);
            return null;
        });
        List<String> rejected = t0.rejectedConnections();
        assertTrue(rejected.stream().anyMatch(m -> m.contains("not an Embark peer")), rejected.toString());
        assertTrue(rejected.stream().anyMatch(m -> m.contains("failed to prove the job secret")), rejected.toString());
        cs.forEach(Communicator::close);
    }

    @Test
    @Timeout(60)
    void anAbortOverTcpReachesEveryRankFast() {
        List<Transport> ts = Worlds.tcp(3, TcpTransportConfig.randomSecret(), 1 << 16);
        List<Throwable> errors = Ranks.failures(3, Duration.ofSeconds(30), r -> {
            Communicator c = Communicator.builder().transport(ts.get(r))
                    .options(CommunicatorOptions.defaults().withTimeout(Duration.ofSeconds(r == 0 ? 1 : 20))).build();
            if (r == 0) {
                // rank 0 waits on a tag nobody sends: it times out after 1 s and aborts the job
                c.allReduce(io.embark.allreduce.buffer.ElementBuffer.of(new float[10]), ReduceOp.SUM, 12345);
            } else {
                c.allReduce(new float[10], ReduceOp.SUM);
            }
            return null;
        });
        assertInstanceOf(CollectiveTimeoutException.class, errors.get(0));
        for (int r = 1; r < 3; r++) {
            assertInstanceOf(PeerFailedException.class, errors.get(r));
            assertTrue(errors.get(r).getMessage().contains("rank 0 aborted the job"), errors.get(r).getMessage());
        }
        ts.forEach(Transport::close);
    }

    @Test
    @Timeout(60)
    void anAbortWakesRanksWaitingInASharedWindow() {
        // in one JVM AUTO runs the direct schedule: ranks 1 and 2 wait in the shared window of tag 777,
        // which rank 0 never opens; rank 0 times out alone on tag 999 after 1 s and aborts the job.
        // With 20 s of their own, ranks 1 and 2 failing with PeerFailedException (not a timeout) shows
        // that the abort woke them.
        List<Transport> ts = Worlds.inProcess(3);
        List<Throwable> errors = Ranks.failures(3, Duration.ofSeconds(40), r -> {
            Communicator c = Communicator.builder().transport(ts.get(r))
                    .options(CommunicatorOptions.defaults().withTimeout(Duration.ofSeconds(r == 0 ? 1 : 20))).build();
            c.allReduce(io.embark.allreduce.buffer.ElementBuffer.of(new float[10]), ReduceOp.SUM, r == 0 ? 999 : 777);
            return null;
        });
        assertInstanceOf(CollectiveTimeoutException.class, errors.get(0));
        for (int r = 1; r < 3; r++) {
            assertInstanceOf(PeerFailedException.class, errors.get(r), "rank " + r);
            String m = errors.get(r).getMessage();
            assertTrue(m.contains("shared window") && m.contains("rank 0 aborted"), m);
        }
        Worlds.closeAll(ts);
    }

    @Test
    @Timeout(60)
    void aRankThatClosesFailsTheOthersSharedWindow() {
        List<Transport> ts = Worlds.inProcess(3);
        List<Throwable> errors = Ranks.failures(3, Duration.ofSeconds(40), r -> {
            Communicator c = Communicator.builder().transport(ts.get(r))
                    .options(CommunicatorOptions.defaults().withTimeout(Duration.ofSeconds(20))).build();
            if (r == 2) {
                c.close(); // leaves before the collective: the others must not wait for their timeout
            } else {
                c.allReduce(new float[1000], ReduceOp.SUM);
            }
            return null;
        });
        for (int r = 0; r < 2; r++) {
            assertInstanceOf(PeerFailedException.class, errors.get(r), "rank " + r);
            assertTrue(errors.get(r).getMessage().contains("rank 2 has closed its transport"), errors.get(r).getMessage());
        }
        Worlds.closeAll(ts);
    }

    @Test
    @Timeout(30)
    void anAddressThatDoesNotResolveFailsAtOnceNotAtTheTimeout() throws IOException {
        try (ServerSocketChannel own = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            List<InetSocketAddress> addrs = List.of(InetSocketAddress.createUnresolved("no-such-host.invalid", 7000),
                    (InetSocketAddress) own.getLocalAddress());
            long t0 = System.nanoTime();
            CollectiveException e = assertThrows(CollectiveException.class, () -> TcpTransport.connect(
                    TcpTransportConfig.of(1, addrs, TcpTransportConfig.randomSecret()).withConnectTimeout(Duration.ofSeconds(60)), own));
            assertTrue(e.getMessage().contains("cannot resolve the host of rank 0 at no-such-host.invalid"), e.getMessage());
            assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "failed after " + (System.nanoTime() - t0) / 1e9 + " s");
        }
    }
}
