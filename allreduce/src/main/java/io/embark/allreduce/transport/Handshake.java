package io.embark.allreduce.transport;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mutual proof of the job secret on a fresh connection, before any data flows (HMAC-SHA256 over both
 * sides' nonces, so nothing recorded from one connection can be replayed on another):
 * <pre>
 *   connector -> acceptor : "EMBK" | version | connector rank | acceptor rank | world size | nonceC[16]
 *   acceptor  -> connector: "EMBK" | acceptor rank | nonceS[16] | HMAC(secret, "A" | transcript)
 *   connector -> acceptor : HMAC(secret, "C" | transcript)
 *   acceptor  -> connector: 1 (accepted) or 0 (refused, e.g. that rank is already connected)
 * </pre>
 * where {@code transcript = nonceC | nonceS | connector rank | acceptor rank | world size}. Any
 * mismatch (bad magic, wrong ranks, wrong MAC) closes the connection; the job goes on.
 */
final class Handshake {
    static final int MAGIC = 0x454d424b; // "EMBK"
    static final byte VERSION = 1;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Handshake() {
    }

    /** Refused by the other side, or the other side failed to prove the secret. */
    static final class Rejected extends IOException {
        private static final long serialVersionUID = 1L;

        Rejected(String message) {
            super(message);
        }
    }

    /**
     * Runs the acceptor's side; returns the authenticated connector rank. The caller sends the verdict. Reads end at
     * {@code deadline} (a {@link SocketTimeoutException}) or when its cancellation says so.
     */
    static int accept(SocketChannel ch, byte[] secret, int self, int worldSize, Deadline deadline) throws IOException {
        Socket s = ch.socket();
        DataInputStream in = new DataInputStream(new PatientInput(s, deadline, "the connector's hello"));
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        int magic = in.readInt();
        if (magic != MAGIC) {
            throw new Rejected(String.format("not an Embark peer (first bytes 0x%08x)", magic));
        }
        byte version = in.readByte();
        if (version != VERSION) {
            throw new Rejected("protocol version " + version + " (expected " + VERSION + ")");
        }
        int peer = in.readInt();
        int claimedSelf = in.readInt();
        int world = in.readInt();
        if (world != worldSize || claimedSelf != self || peer <= self || peer >= worldSize) {
            throw new Rejected("peer claims rank " + peer + " of " + world + " connecting to rank " + claimedSelf
                    + " (this is rank " + self + " of " + worldSize + "; only higher ranks connect here)");
        }
        byte[] nonceC = in.readNBytes(16);
        if (nonceC.length != 16) {
            throw new EOFException("connection closed during handshake");
        }
        byte[] nonceS = nonce();
        byte[] transcript = transcript(nonceC, nonceS, peer, self, worldSize);
        out.writeInt(MAGIC);
        out.writeInt(self);
        out.write(nonceS);
        out.write(mac(secret, "A", transcript));
        out.flush();
        byte[] theirMac = in.readNBytes(32);
        if (!MessageDigest.isEqual(theirMac, mac(secret, "C", transcript))) {
            throw new Rejected("rank " + peer + " failed to prove the job secret (wrong secret?)");
        }
        return peer;
    }

    static void verdict(SocketChannel ch, boolean accepted) throws IOException {
        ch.socket().getOutputStream().write(accepted ? 1 : 0);
    }

    /**
     * Runs the connector's side against {@code peer}; throws {@link Rejected} if refused. Reads end at
     * {@code deadline} (a {@link SocketTimeoutException}) or when its cancellation says so.
     */
    static void connect(SocketChannel ch, byte[] secret, int self, int peer, int worldSize, Deadline deadline)
            throws IOException {
        Socket s = ch.socket();
        DataInputStream in = new DataInputStream(new PatientInput(s, deadline, "rank " + peer + "'s reply"));
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        byte[] nonceC = nonce();
        out.writeInt(MAGIC);
        out.writeByte(VERSION);
        out.writeInt(self);
        out.writeInt(peer);
        out.writeInt(worldSize);
        out.write(nonceC);
        out.flush();
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            throw new Rejected("rank " + peer + " closed the connection during the handshake (it refused our hello)");
        }
        int theirRank = in.readInt();
        if (magic != MAGIC || theirRank != peer) {
            throw new Rejected("the listener is not rank " + peer + " of this job (magic/rank mismatch)");
        }
        byte[] nonceS = in.readNBytes(16);
        byte[] theirMac = in.readNBytes(32);
        byte[] transcript = transcript(nonceC, nonceS, self, peer, worldSize);
        if (!MessageDigest.isEqual(theirMac, mac(secret, "A", transcript))) {
            throw new Rejected("rank " + peer + " failed to prove the job secret (wrong secret on one side?)");
        }
        out.write(mac(secret, "C", transcript));
        out.flush();
        int verdict;
        try {
            verdict = in.read();
        } catch (IOException e) {
            verdict = -1;
        }
        if (verdict != 1) {
            throw new Rejected("rank " + peer + " refused the connection after the handshake (wrong secret, or rank "
                    + self + " is already connected there)");
        }
        s.setSoTimeout(0);
    }

    /**
     * A socket's input that blocks at most {@link io.embark.allreduce.Cancellation#POLL} at a time (the socket's
     * read timeout), asking the deadline's cancellation in between, and gives up at the deadline. A read that times
     * out leaves the socket usable, so a slow peer's bytes are not lost between polls.
     */
    private static final class PatientInput extends InputStream {
        private final Socket socket;
        private final InputStream in;
        private final Deadline deadline;
        private final String waitingFor;

        PatientInput(Socket socket, Deadline deadline, String waitingFor) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.deadline = deadline;
            this.waitingFor = waitingFor;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (true) {
                deadline.checkCancelled(waitingFor);
                long slice = deadline.sliceNanos();
                if (slice == 0) {
                    throw new SocketTimeoutException("handshake: no answer within " + deadline.timeout()
                            + " while waiting for " + waitingFor);
                }
                socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(slice)));
                try {
                    return in.read(b, off, len);
                } catch (SocketTimeoutException e) {
                    // look at the cancellation and the clock again
                }
            }
        }
    }

    private static byte[] nonce() {
        byte[] n = new byte[16];
        RANDOM.nextBytes(n);
        return n;
    }

    private static byte[] transcript(byte[] nonceC, byte[] nonceS, int connector, int acceptor, int world) {
        return ByteBuffer.allocate(44).put(nonceC).put(nonceS).putInt(connector).putInt(acceptor).putInt(world).array();
    }

    private static byte[] mac(byte[] secret, String label, byte[] transcript) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(secret, "HmacSHA256"));
            m.update(label.getBytes(StandardCharsets.US_ASCII));
            return m.doFinal(transcript);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
