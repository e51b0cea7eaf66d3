package io.embark.allreduce.transport;

import io.embark.allreduce.CollectiveException;
import io.embark.allreduce.DataType;
import io.embark.allreduce.PeerFailedException;
import io.embark.allreduce.buffer.ElementBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nothing a peer sends sizes an allocation unchecked: a frame header whose length is negative or above
 * {@code tcp.maxFrameBytes} (an abort notice: above 64 KiB) is refused before anything is allocated, and the rank
 * fails with a clear error instead of an {@link OutOfMemoryError} on its I/O thread (which would leave every
 * receive waiting for its timeout). The peer here is hand-made: it passes the handshake, then writes one raw header.
 */
class FrameHeaderTest {

    private static final byte DATA = 1;
    private static final byte ABORT = 3;
    private static final int MAX_FRAME = 1 << 20;

    @ParameterizedTest(name = "kind {0}, length {1}")
    @CsvSource({
        "1, 2147483647",   // Integer.MAX_VALUE: would be a 2 GiB buffer
        "1, -1",
        "1, -2147483648",
        "1, 1048577",      // tcp.maxFrameBytes + 1
        "3, 2147483647",   // an abort notice is bounded too
        "3, 65537",
        "9, 8",            // an unknown kind
    })
    @Timeout(30)
    void aFrameHeaderWithAnImpossibleLengthIsRefusedWithoutAllocatingIt(byte kind, int length) throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0), 64);
            InetSocketAddress addr = (InetSocketAddress) server.getLocalAddress();
            byte[] secret = TcpTransportConfig.randomSecret();
            TcpTransportConfig config = TcpTransportConfig.of(0, List.of(addr, new InetSocketAddress("127.0.0.1", 1)), secret)
                    .withConnectTimeout(Duration.ofSeconds(20)).withMaxFrameBytes(MAX_FRAME);
            CompletableFuture<TcpTransport> rank0 = CompletableFuture.supplyAsync(() -> {
                try {
                    return TcpTransport.connect(config, server);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (SocketChannel peer = SocketChannel.open(addr)) {
                Handshake.connect(peer, secret, 1, 0, 2, Deadline.after(Duration.ofSeconds(10), "fake rank 1"));
                try (TcpTransport t = rank0.get(20, TimeUnit.SECONDS)) {
                    ElementBuffer dst = ElementBuffer.allocate(DataType.FLOAT32, 2);
                    // the frame's tag 5 has no posted receive: unchecked, its length would size a new buffer
                    Request r = t.recv(1, 6, dst, 0, 2);
                    ByteBuffer header = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
                    header.put(kind).put((byte) 0).put((byte) 0).put((byte) 0).putInt(length).putLong(5).flip();
                    while (header.hasRemaining()) {
                        peer.write(header);
                    }
                    long t0 = System.nanoTime();
                    CollectiveException e = assertThrows(CollectiveException.class,
                            () -> r.await(Deadline.after(Duration.ofSeconds(10), "receive")));
                    assertTrue(e instanceof PeerFailedException && e.getMessage().contains("corrupt frame header")
                            && e.getMessage().contains(String.valueOf(length)), e.toString());
                    assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "refused only after " + (System.nanoTime() - t0) / 1e9 + " s");
                }
            }
        }
    }

    @Test
    @Timeout(30)
    void aMessageAboveTheFrameBoundIsRefusedBeforeItIsSent() throws Exception {
        // the sender says why at once, rather than the receiver calling it corrupt
        List<Transport> ts = io.embark.allreduce.testing.Worlds.tcp(2, TcpTransportConfig.randomSecret(), 1 << 16);
        try {
            TcpTransport t = (TcpTransport) ts.get(0);
            int tooMany = TcpTransportConfig.DEFAULT_MAX_FRAME_BYTES / 4 + 1;
            Request r = t.send(1, 7, ElementBuffer.allocate(DataType.FLOAT32, tooMany), 0, tooMany);
            CollectiveException e = assertThrows(CollectiveException.class,
                    () -> r.await(Deadline.after(Duration.ofSeconds(10), "send")));
            assertTrue(e.getMessage().contains("tcp.maxFrameBytes"), e.getMessage());
        } finally {
            io.embark.allreduce.testing.Worlds.closeAll(ts);
        }
    }

    @Test
    void theFrameBoundCannotBeBelowTheSegmentSize() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TcpTransportConfig
                .of(0, List.of(new InetSocketAddress("127.0.0.1", 1)), TcpTransportConfig.randomSecret())
                .withMaxFrameBytes(1000));
        assertTrue(e.getMessage().contains("tcp.maxFrameBytes: 1000"), e.getMessage());
    }
}
