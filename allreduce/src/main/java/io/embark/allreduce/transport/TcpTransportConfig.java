package io.embark.allreduce.transport;

import io.embark.allreduce.Cancellation;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where every rank of a TCP job listens, and how to prove membership.
 *
 * @param rank              this rank
 * @param addresses         listening address of every rank, indexed by rank; this rank binds to its own
 *                          (so a host with several interfaces listens on the configured one only)
 * @param secret            the per-job secret (at least 16 bytes) every connection proves with HMAC-SHA256
 * @param connectTimeout    bound on establishing the whole mesh
 * @param socketBufferBytes SO_SNDBUF/SO_RCVBUF; empty: the operating system's autotuning
 * @param segmentBytes      segment size at which large transfers pipeline
 * @param maxFrameBytes     the largest message this rank sends or accepts in one frame; a peer's frame header
 *                          announcing more (or a negative length) is refused before anything is allocated for it
 * @param cancellation      asked by every start-up wait (connecting, handshakes, the mesh) at least every
 *                          {@link Cancellation#POLL}; the collectives' waits ask the communicator's
 */
public record TcpTransportConfig(int rank, List<InetSocketAddress> addresses, byte[] secret, Duration connectTimeout,
                                 Optional<Integer> socketBufferBytes, int segmentBytes, int maxFrameBytes,
                                 Cancellation cancellation) {

    /** Default {@link #maxFrameBytes}: 64 MiB, far above the default 1 MiB segments. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 64 << 20;

    public TcpTransportConfig {
        Objects.requireNonNull(addresses, "tcp.addresses");
        Objects.requireNonNull(secret, "tcp.secret");
        Objects.requireNonNull(connectTimeout, "tcp.connectTimeout");
        Objects.requireNonNull(socketBufferBytes, "tcp.socketBufferBytes");
        Objects.requireNonNull(cancellation, "tcp.cancellation");
        addresses = List.copyOf(addresses);
        secret = secret.clone();
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("tcp.addresses: empty (expected one address per rank)");
        }
        if (rank < 0 || rank >= addresses.size()) {
            throw new IllegalArgumentException("tcp.rank: " + rank + " (expected 0.." + (addresses.size() - 1) + ")");
        }
        if (secret.length < 16) {
            throw new IllegalArgumentException("tcp.secret: " + secret.length + " bytes (expected >= 16)");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("tcp.connectTimeout: " + connectTimeout + " (expected > 0)");
        }
        if (segmentBytes < 64) {
            throw new IllegalArgumentException("tcp.segmentBytes: " + segmentBytes + " (expected >= 64)");
        }
        if (maxFrameBytes < segmentBytes) {
            throw new IllegalArgumentException("tcp.maxFrameBytes: " + maxFrameBytes + " (expected >= tcp.segmentBytes: "
                    + segmentBytes + ")");
        }
    }

    /** Defaults: 30 s to connect, OS socket buffers, 1 MiB segments, 64 MiB frames at most, never cancelled. */
    public static TcpTransportConfig of(int rank, List<InetSocketAddress> addresses, byte[] secret) {
        return new TcpTransportConfig(rank, addresses, secret, Duration.ofSeconds(30), Optional.empty(), 1 << 20,
                DEFAULT_MAX_FRAME_BYTES, Cancellation.NEVER);
    }

    /** Every rank on 127.0.0.1, at the given ports. */
    public static TcpTransportConfig loopback(int rank, List<Integer> ports, byte[] secret) {
        return of(rank, ports.stream().map(p -> new InetSocketAddress("127.0.0.1", p)).toList(), secret);
    }

    public TcpTransportConfig withConnectTimeout(Duration t) {
        return new TcpTransportConfig(rank, addresses, secret, t, socketBufferBytes, segmentBytes, maxFrameBytes,
                cancellation);
    }

    /** Segments of {@code bytes}; frames may then be as large as the larger of the two. */
    public TcpTransportConfig withSegmentBytes(int bytes) {
        return new TcpTransportConfig(rank, addresses, secret, connectTimeout, socketBufferBytes, bytes,
                Math.max(bytes, maxFrameBytes), cancellation);
    }

    public TcpTransportConfig withSocketBufferBytes(int bytes) {
        return new TcpTransportConfig(rank, addresses, secret, connectTimeout, Optional.of(bytes), segmentBytes,
                maxFrameBytes, cancellation);
    }

    public TcpTransportConfig withMaxFrameBytes(int bytes) {
        return new TcpTransportConfig(rank, addresses, secret, connectTimeout, socketBufferBytes, segmentBytes, bytes,
                cancellation);
    }

    public TcpTransportConfig withCancellation(Cancellation c) {
        return new TcpTransportConfig(rank, addresses, secret, connectTimeout, socketBufferBytes, segmentBytes,
                maxFrameBytes, c);
    }

    public int size() {
        return addresses.size();
    }

    /** 32 random bytes from a {@link SecureRandom}: a fresh job secret. */
    public static byte[] randomSecret() {
        byte[] s = new byte[32];
        new SecureRandom().nextBytes(s);
        return s;
    }

    /** The secret never appears in logs or exception messages. */
    @Override
    public String toString() {
        return "TcpTransportConfig[rank=" + rank + ", addresses=" + addresses + ", secret=<" + secret.length
                + " bytes>, connectTimeout=" + connectTimeout + ", segmentBytes=" + segmentBytes + ", maxFrameBytes="
                + maxFrameBytes + "]";
    }
}
