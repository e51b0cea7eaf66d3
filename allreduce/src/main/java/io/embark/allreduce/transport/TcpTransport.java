package io.embark.allreduce.transport;

import io.embark.allreduce.CollectiveException;
import io.embark.allreduce.CollectiveTimeoutException;
import io.embark.allreduce.PeerFailedException;
import io.embark.allreduce.ReduceOp;
import io.embark.allreduce.buffer.BufferPool;
import io.embark.allreduce.buffer.ElementBuffer;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ranks in different processes or hosts, over TCP with NIO. Every pair of ranks shares one
 * connection (the higher rank connects to the lower), authenticated by {@link Handshake}. After
 * start-up one I/O thread per rank owns all connections: it writes queued frames and reads incoming
 * frames straight into the buffer of the matching posted receive (or, if none is posted yet, into an
 * "unexpected" buffer that a later receive takes over). Callers serialize what they send and combine
 * what they receive in their own threads, so the I/O thread only moves bytes.
 *
 * <p>Frame: {@code kind u8 | 3 pad | length i32 | tag i64 | payload}, little-endian. Kinds: data,
 * goodbye (orderly close), abort (the sender gave up; the payload says why).
 *
 * <p>Failure: end-of-stream or an I/O error without a prior goodbye means the peer died; the
 * transport is then poisoned and every pending and later request fails with a
 * {@link PeerFailedException} naming that peer. Since the mesh is complete, every rank sees a dead
 * peer directly and fails at once, not at its timeout. Connections that fail the handshake (wrong
 * secret, garbage bytes, duplicate rank) are closed and logged; the job is not disturbed.
 */
public final class TcpTransport implements Transport {
    private static final System.Logger LOG = System.getLogger(TcpTransport.class.getName());
    private static final byte DATA = 1;
    private static final byte GOODBYE = 2;
    private static final byte ABORT = 3;
    private static final int HEADER = 16;
    /** The longest an abort notice's reason may be; a longer one is cut by the sender and refused by the receiver. */
    private static final int MAX_ABORT_BYTES = 64 << 10;
    private static final java.time.Duration HANDSHAKE = java.time.Duration.ofSeconds(10);

    private final TcpTransportConfig config;
    private final int rank;
    private final int size;
    private final ServerSocketChannel server;
    private final Peer[] peers;
    private final boolean[] reserved;
    private final BufferPool pool = new BufferPool(256L << 20);
    private final List<String> rejected = java.util.Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch meshComplete;
    private final Selector selector;
    private final ConcurrentLinkedQueue<Peer> wantWrite = new ConcurrentLinkedQueue<>();
    private final Object stateLock = new Object();
    private volatile CollectiveException failure;
    private volatile boolean closing;
    private Thread ioThread;
    private Thread acceptor;

    private TcpTransport(TcpTransportConfig config, ServerSocketChannel server) throws IOException {
        this.config = config;
        this.rank = config.rank();
        this.size = config.size();
        this.server = server;
        this.peers = new Peer[size];
        this.reserved = new boolean[size];
        this.meshComplete = new CountDownLatch(size - 1);
        this.selector = Selector.open();
    }

    /** Binds this rank's configured address and connects to every other rank; blocks until the mesh is up. */
    public static TcpTransport connect(TcpTransportConfig config) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(config.addresses().get(config.rank()), Math.max(64, config.size()));
        } catch (IOException e) {
            server.close();
            throw new IOException("rank " + config.rank() + ": cannot listen on " + config.addresses().get(config.rank())
                    + ": " + e.getMessage(), e);
        }
        return connect(config, server);
    }

    /**
     * Like {@link #connect(TcpTransportConfig)} with a listening channel already bound (its address
     * must be the one the other ranks were given). Lets tests bind port 0 without a race.
     */
    public static TcpTransport connect(TcpTransportConfig config, ServerSocketChannel bound) throws IOException {
        TcpTransport t = new TcpTransport(config, bound);
        try {
            t.establish();
        } catch (IOException | RuntimeException e) {
            t.shutdown();
            throw e;
        }
        return t;
    }

    // ---- start-up ------------------------------------------------------------------------------

    private void establish() throws IOException {
        Deadline deadline = Deadline.after(config.connectTimeout(), "rank " + rank + ": connecting to the other "
                + (size - 1) + " rank(s)", config.cancellation());
        acceptor = new Thread(this::acceptLoop, "embark-tcp-r" + rank + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        for (int peer = 0; peer < rank; peer++) {
            connectTo(peer, deadline);
        }
        try {
            while (!meshComplete.await(deadline.sliceNanos(), TimeUnit.NANOSECONDS)) {
                deadline.checkCancelled("ranks " + missing() + " to connect");
                if (deadline.expired()) {
                    throw new CollectiveTimeoutException("rank " + rank + ": ranks " + missing() + " did not connect within "
                            + config.connectTimeout() + (rejected.isEmpty() ? "" : "; rejected connections: " + rejected));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while connecting", e);
        }
        synchronized (stateLock) {
            for (int p = 0; p < size; p++) {
                if (p != rank) {
                    Peer peer = peers[p];
                    peer.channel.configureBlocking(false);
                    peer.key = peer.channel.register(selector, SelectionKey.OP_READ, peer);
                }
            }
        }
        ioThread = new Thread(this::ioLoop, "embark-tcp-r" + rank + "-io");
        ioThread.setDaemon(true);
        ioThread.start();
    }

    private List<Integer> missing() {
        List<Integer> missing = new ArrayList<>();
        synchronized (stateLock) {
            for (int p = 0; p < size; p++) {
                if (p != rank && peers[p] == null) {
                    missing.add(p);
                }
            }
        }
        return missing;
    }

    private void connectTo(int peer, Deadline deadline) throws IOException {
        InetSocketAddress addr = config.addresses().get(peer);
        IOException last = null;
        while (!deadline.expired()) {
            deadline.checkCancelled("rank " + peer + " at " + addr + " to accept a connection");
            SocketChannel ch = SocketChannel.open();
            try {
                open(ch, addr, deadline, "rank " + peer + " at " + addr);
                configure(ch);
                Handshake.connect(ch, config.secret(), rank, peer, size, handshakeDeadline(deadline));
                register(peer, ch);
                return;
            } catch (RuntimeException e) {
                ch.close();
                throw e;
            } catch (Handshake.Rejected e) {
                ch.close();
                throw new PeerFailedException("rank " + rank + ": handshake with rank " + peer + " at " + addr
                        + " failed: " + e.getMessage());
            } catch (ConnectException | SocketTimeoutException e) {
                ch.close();
                last = e;
                sleepQuietly(20);
            } catch (IOException e) {
                ch.close();
                last = e;
                sleepQuietly(20);
            }
        }
        throw new CollectiveTimeoutException("rank " + rank + ": could not connect to rank " + peer + " at " + addr
                + " within " + config.connectTimeout() + (last == null ? "" : " (last error: " + last + ")"));
    }

    /**
     * Connects {@code ch} to {@code addr}, waiting in slices of {@link io.embark.allreduce.Cancellation#POLL} (a host
     * that is down answers nothing, and a blocking connect would sit out the whole timeout); leaves it blocking.
     */
    private static void open(SocketChannel ch, InetSocketAddress addr, Deadline deadline, String peer)
            throws IOException {
        String waitingFor = peer + " to accept a connection";
        if (addr.isUnresolved()) {
            // the name was looked up once, when the address was made: waiting will not help
            throw new CollectiveException("cannot resolve the host of " + peer);
        }
        ch.configureBlocking(false);
        if (!ch.connect(addr)) {
            try (Selector s = Selector.open()) {
                ch.register(s, SelectionKey.OP_CONNECT);
                while (!ch.finishConnect()) {
                    deadline.checkCancelled(waitingFor);
                    long slice = deadline.sliceNanos();
                    if (slice == 0) {
                        throw new SocketTimeoutException("connect to " + addr + " timed out");
                    }
                    s.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(slice)));
                    s.selectedKeys().clear();
                }
            }
        }
        ch.configureBlocking(true);
    }

    /** A handshake waits at most 10 s (a live peer answers at once), within the start-up deadline. */
    private Deadline handshakeDeadline(Deadline startUp) {
        long nanos = Math.min(startUp.remainingNanos(), HANDSHAKE.toNanos());
        return Deadline.after(java.time.Duration.ofNanos(Math.max(1, nanos)), startUp.operation(), startUp.cancellation());
    }

    private void configure(SocketChannel ch) throws IOException {
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ch.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        if (config.socketBufferBytes().isPresent()) {
            ch.setOption(StandardSocketOptions.SO_SNDBUF, config.socketBufferBytes().get());
            ch.setOption(StandardSocketOptions.SO_RCVBUF, config.socketBufferBytes().get());
        }
    }

    private void acceptLoop() {
        while (!closing) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                if (!closing) {
                    LOG.log(System.Logger.Level.WARNING, "rank " + rank + ": accept failed: " + e);
                }
                return;
            }
            Thread t = new Thread(() -> handshakeIncoming(ch), "embark-tcp-r" + rank + "-handshake");
            t.setDaemon(true);
            t.start();
        }
    }

    private void handshakeIncoming(SocketChannel ch) {
        String from = "?";
        try {
            from = String.valueOf(ch.getRemoteAddress());
            configure(ch);
            // a handshake in progress ends when the transport closes or the caller gives up, not only at its timeout
            Deadline deadline = Deadline.after(config.connectTimeout().compareTo(HANDSHAKE) < 0 ? config.connectTimeout()
                    : HANDSHAKE, "rank " + rank + ": handshake with " + from,
                    () -> closing || config.cancellation().isCancelled());
            int peer = Handshake.accept(ch, config.secret(), rank, size, deadline);
            boolean ok;
            synchronized (stateLock) {
                ok = !closing && !reserved[peer] && ioThread == null;
                reserved[peer] = true;
            }
            // the verdict goes out before registering: once the last peer registers, start-up switches
            // every channel to non-blocking mode, and the blocking verdict write must be done by then
            Handshake.verdict(ch, ok);
            if (ok) {
                register(peer, ch);
            } else {
                reject(from, "rank " + peer + " is already connected (or the mesh is complete)");
                ch.close();
            }
        } catch (IOException | RuntimeException e) {
            reject(from, e.getMessage());
            try {
                ch.close();
            } catch (IOException ignored) {
                // already failing
            }
        }
    }

    private void reject(String from, String why) {
        String msg = "connection from " + from + " rejected: " + why;
        rejected.add(msg);
        LOG.log(System.Logger.Level.WARNING, "rank " + rank + ": " + msg);
    }

    private void register(int peer, SocketChannel ch) {
        synchronized (stateLock) {
            if (peers[peer] != null) {
                throw new IllegalStateException("rank " + peer + " connected twice");
            }
            peers[peer] = new Peer(peer, ch, config.addresses().get(peer));
        }
        meshComplete.countDown();
    }

    /** Connection attempts that were refused so far (wrong secret, garbage, duplicates), for diagnostics. */
    public List<String> rejectedConnections() {
        synchronized (rejected) {
            return List.copyOf(rejected);
        }
    }

    /** The address this rank listens on. */
    public InetSocketAddress listenAddress() throws IOException {
        return (InetSocketAddress) server.getLocalAddress();
    }

    // ---- the Transport API ---------------------------------------------------------------------

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int preferredSegmentBytes() {
        return config.segmentBytes();
    }

    @Override
    public String describePeer(int peer) {
        return "rank " + peer + " at " + config.addresses().get(peer);
    }

    @Override
    public Request send(int peer, long tag, ElementBuffer src, int offset, int length) {
        Peer p = peer(peer);
        long bytes = src.bytes(length);
        Completion done = new Completion("send to " + describePeer(peer) + " (tag " + tag + ", " + bytes + " bytes)");
        CollectiveException why = failure;
        if (why != null) {
            done.fail(poisoned(why));
            return done;
        }
        if (bytes > config.maxFrameBytes()) {
            // the receiver would refuse the frame as corrupt: say why here instead
            done.fail(new CollectiveException("rank " + rank + ": a message of " + bytes + " bytes is larger than "
                    + "tcp.maxFrameBytes (" + config.maxFrameBytes() + "): use smaller segments (allreduce.segmentBytes)"));
            return done;
        }
        Optional<ByteBuffer> view = bytes >= 4096 ? src.wireView(offset, length) : Optional.empty();
        OutFrame f;
        if (view.isPresent()) {
            ByteBuffer header = pool.acquire(HEADER);
            putHeader(header, DATA, (int) bytes, tag);
            header.flip();
            f = new OutFrame(new ByteBuffer[] {header, view.get()}, header, done);
        } else {
            ByteBuffer b = pool.acquire(HEADER + (int) bytes);
            putHeader(b, DATA, (int) bytes, tag);
            src.write(offset, length, b);
            b.flip();
            f = new OutFrame(new ByteBuffer[] {b}, b, done);
        }
        enqueue(p, f);
        return done;
    }

    @Override
    public Request recv(int peer, long tag, ElementBuffer dst, int offset, int length) {
        return post(peer, tag, dst, offset, length, null);
    }

    @Override
    public Request recvReduce(int peer, long tag, ElementBuffer dst, int offset, int length, ReduceOp op) {
        return post(peer, tag, dst, offset, length, op.wireOp());
    }

    private Request post(int peer, long tag, ElementBuffer dst, int offset, int length, ReduceOp op) {
        Peer p = peer(peer);
        long wanted = dst.bytes(length);
        if (wanted > config.maxFrameBytes()) {
            Completion c = new Completion("receive from " + describePeer(peer));
            c.fail(new CollectiveException("rank " + rank + ": a message of " + wanted + " bytes is larger than "
                    + "tcp.maxFrameBytes (" + config.maxFrameBytes() + "): use smaller segments (allreduce.segmentBytes)"));
            return c;
        }
        int bytes = (int) wanted;
        Completion arrived;
        InSlot slot;
        synchronized (p) {
            CollectiveException why = failure;
            if (why != null) {
                Completion c = new Completion("receive from " + describePeer(peer));
                c.fail(poisoned(why));
                return c;
            }
            ArrayDeque<InSlot> q = p.unexpected.get(tag);
            slot = q == null ? null : q.poll();
            if (slot != null) {
                if (q.isEmpty()) {
                    p.unexpected.remove(tag);
                }
            } else {
                if (p.gone != null) {
                    Completion c = new Completion("receive from " + describePeer(peer));
                    c.fail(p.gone);
                    return c;
                }
                Optional<ByteBuffer> view = op == null && bytes >= 4096 ? dst.wireView(offset, length) : Optional.empty();
                slot = view.map(v -> new InSlot(tag, v, false, true))
                        .orElseGet(() -> new InSlot(tag, pool.acquire(bytes), true, false));
                slot.expected = bytes;
                p.posted.computeIfAbsent(tag, k -> new ArrayDeque<>()).add(slot);
            }
            arrived = slot.arrived;
            arrived.describe((op == null ? "receive" : "reduce-receive") + " from " + describePeer(peer)
                    + " (tag " + tag + ", " + bytes + " bytes)");
        }
        InSlot s = slot;
        return arrived.thenInAwaiter(() -> deliver(s, bytes, dst, offset, length, op));
    }

    private void deliver(InSlot s, int bytes, ElementBuffer dst, int offset, int length, ReduceOp op) {
        ByteBuffer b = s.buf;
        int got = b.position();
        if (got != bytes) {
            throw new CollectiveException("rank " + rank + ": message size mismatch on tag " + s.tag + ": received "
                    + got + " bytes, expected " + bytes + " (ranks called different collectives or options)");
        }
        if (!s.inPlace) {
            b.flip();
            if (op == null) {
                dst.read(offset, length, b);
            } else {
                dst.combine(offset, length, b, op);
            }
            if (s.pooled) {
                pool.release(b);
            }
        }
    }

    private Peer peer(int peer) {
        if (peer < 0 || peer >= size || peer == rank) {
            throw new IllegalArgumentException("peer: " + peer + " (expected 0.." + (size - 1) + ", not " + rank + ")");
        }
        return peers[peer];
    }

    private static void putHeader(ByteBuffer b, byte kind, int length, long tag) {
        b.order(ByteOrder.LITTLE_ENDIAN);
        b.put(kind).put((byte) 0).put((byte) 0).put((byte) 0).putInt(length).putLong(tag);
    }

    private void enqueue(Peer p, OutFrame f) {
        p.out.add(f);
        wantWrite.add(p);
        selector.wakeup();
    }

    // ---- the I/O thread ------------------------------------------------------------------------

    private static final class OutFrame {
        final ByteBuffer[] parts;
        final ByteBuffer pooled;
        final Completion done;

        OutFrame(ByteBuffer[] parts, ByteBuffer pooled, Completion done) {
            this.parts = parts;
            this.pooled = pooled;
            this.done = done;
        }

        boolean hasRemaining() {
            return parts[parts.length - 1].hasRemaining() || parts[0].hasRemaining();
        }
    }

    private static final class InSlot {
        final long tag;
        final ByteBuffer buf;
        final boolean pooled;
        final boolean inPlace;
        final Completion arrived = new Completion("message");
        int expected = -1;

        InSlot(long tag, ByteBuffer buf, boolean pooled, boolean inPlace) {
            this.tag = tag;
            this.buf = buf;
            this.pooled = pooled;
            this.inPlace = inPlace;
        }
    }

    private static final class Peer {
        final int rank;
        final SocketChannel channel;
        final InetSocketAddress address;
        final ConcurrentLinkedQueue<OutFrame> out = new ConcurrentLinkedQueue<>();
        final Map<Long, ArrayDeque<InSlot>> posted = new HashMap<>();
        final Map<Long, ArrayDeque<InSlot>> unexpected = new HashMap<>();
        final ByteBuffer header = ByteBuffer.allocateDirect(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        SelectionKey key;
        OutFrame writing;
        InSlot reading;
        byte readingKind;
        boolean saidGoodbye;
        PeerFailedException gone;

        Peer(int rank, SocketChannel channel, InetSocketAddress address) {
            this.rank = rank;
            this.channel = channel;
            this.address = address;
        }
    }

    private void ioLoop() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                selector.select(200);
                Peer p;
                while ((p = wantWrite.poll()) != null) {
                    flush(p);
                }
                for (SelectionKey k : selector.selectedKeys()) {
                    Peer peer = (Peer) k.attachment();
                    try {
                        if (k.isValid() && k.isReadable()) {
                            read(peer);
                        }
                        if (k.isValid() && k.isWritable()) {
                            flush(peer);
                        }
                    } catch (java.nio.channels.CancelledKeyException e) {
                        // closed concurrently; the loss was handled
                    }
                }
                selector.selectedKeys().clear();
                if (closing && allFlushed()) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            poison(new PeerFailedException("rank " + rank + ": I/O thread failed: " + e, e), -1);
        }
    }

    private boolean allFlushed() {
        for (Peer p : peers) {
            if (p != null && p.gone == null && (p.writing != null || !p.out.isEmpty())) {
                return false;
            }
        }
        return true;
    }

    private void flush(Peer p) {
        if (p.gone != null) {
            failQueued(p, p.gone);
            return;
        }
        try {
            while (true) {
                if (p.writing == null) {
                    p.writing = p.out.poll();
                    if (p.writing == null) {
                        if ((p.key.interestOps() & SelectionKey.OP_WRITE) != 0) {
                            p.key.interestOps(SelectionKey.OP_READ);
                        }
                        return;
                    }
                }
                p.channel.write(p.writing.parts);
                if (p.writing.hasRemaining()) {
                    p.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    return;
                }
                OutFrame f = p.writing;
                p.writing = null;
                pool.release(f.pooled);
                f.done.complete();
            }
        } catch (IOException e) {
            lost(p, e);
        }
    }

    private void read(Peer p) {
        try {
            while (true) {
                if (p.reading == null) {
                    int n = p.channel.read(p.header);
                    if (n < 0) {
                        lost(p, null);
                        return;
                    }
                    if (p.header.hasRemaining()) {
                        return;
                    }
                    p.header.flip();
                    byte kind = p.header.get(0);
                    int len = p.header.getInt(4);
                    long tag = p.header.getLong(8);
                    p.header.clear();
                    if (kind == GOODBYE) {
                        p.saidGoodbye = true;
                        continue;
                    }
                    checkHeader(kind, len);
                    p.readingKind = kind;
                    p.reading = kind == ABORT ? new InSlot(tag, ByteBuffer.allocate(len), false, false) : match(p, tag, len);
                }
                ByteBuffer b = p.reading.buf;
                if (b.hasRemaining()) {
                    int n = p.channel.read(b);
                    if (n < 0) {
                        lost(p, null);
                        return;
                    }
                    if (b.hasRemaining()) {
                        return;
                    }
                }
                InSlot done = p.reading;
                p.reading = null;
                if (p.readingKind == ABORT) {
                    String why = new String(done.buf.array(), 0, done.buf.position(), StandardCharsets.UTF_8);
                    poison(new PeerFailedException("rank " + p.rank + " aborted the job: " + why), p.rank);
                    continue;
                }
                done.arrived.complete();
            }
        } catch (IOException e) {
            lost(p, e);
        }
    }

    /**
     * Refuses a frame header before anything is allocated for it: an unknown kind, a negative length, or one above
     * {@link TcpTransportConfig#maxFrameBytes} (an abort notice: above {@link #MAX_ABORT_BYTES}).
     */
    private void checkHeader(byte kind, int len) throws CorruptFrameException {
        if (kind != DATA && kind != ABORT) {
            throw new CorruptFrameException("unknown frame kind " + kind + " (length " + len + ")");
        }
        int max = kind == ABORT ? MAX_ABORT_BYTES : config.maxFrameBytes();
        if (len < 0 || len > max) {
            throw new CorruptFrameException((kind == ABORT ? "abort notice" : "data frame") + " of length " + len
                    + " (expected 0.." + max + (kind == ABORT ? "" : ", tcp.maxFrameBytes") + ")");
        }
    }

    /** A peer sent a frame this rank refuses to read: the stream cannot be trusted any more. */
    private static final class CorruptFrameException extends IOException {
        private static final long serialVersionUID = 1L;

        CorruptFrameException(String message) {
            super(message);
        }
    }

    /** Called by the I/O thread when a data header arrives: the posted receive, or a new unexpected slot. */
    private InSlot match(Peer p, long tag, int len) {
        synchronized (p) {
            if (failure == null) {
                ArrayDeque<InSlot> q = p.posted.get(tag);
                InSlot s = q == null ? null : q.poll();
                if (s != null) {
                    if (q.isEmpty()) {
                        p.posted.remove(tag);
                    }
                    if (s.expected != len) {
                        CollectiveException mismatch = new CollectiveException("rank " + rank + ": rank " + p.rank
                                + " sent " + len + " bytes with tag " + tag + " where " + s.expected
                                + " were expected (ranks called different collectives or used different options)");
                        s.arrived.fail(mismatch);
                        poison(mismatch, -1);
                        return new InSlot(tag, ByteBuffer.allocate(len), false, false); // read and drop
                    }
                    s.buf.limit(len);
                    return s;
                }
            }
            InSlot s = new InSlot(tag, ByteBuffer.allocate(len), false, false);
            if (failure == null) {
                p.unexpected.computeIfAbsent(tag, k -> new ArrayDeque<>()).add(s);
            }
            return s;
        }
    }

    private void lost(Peer p, IOException cause) {
        if (p.gone != null) {
            return;
        }
        try {
            p.channel.close();
        } catch (IOException ignored) {
            // closing a broken channel
        }
        if (p.saidGoodbye || closing) {
            PeerFailedException gone = new PeerFailedException(describePeer(p.rank) + " has closed its transport");
            synchronized (p) {
                p.gone = gone;
                p.posted.values().forEach(q -> q.forEach(s -> s.arrived.fail(gone)));
                p.posted.clear();
            }
            failQueued(p, gone);
            return;
        }
        PeerFailedException dead = cause instanceof CorruptFrameException corrupt
                ? new PeerFailedException("rank " + rank + ": " + describePeer(p.rank) + " sent a corrupt frame header ("
                        + corrupt.getMessage() + "): connection closed (a different version, or a bug on that side)")
                : new PeerFailedException("rank " + rank + ": connection to " + describePeer(p.rank) + " lost ("
                        + (cause == null ? "end of stream" : cause.toString()) + "): that process died or was killed");
        synchronized (p) {
            p.gone = dead;
        }
        poison(dead, p.rank);
    }

    private void failQueued(Peer p, CollectiveException cause) {
        if (p.writing != null) {
            p.writing.done.fail(cause);
            p.writing = null;
        }
        OutFrame f;
        while ((f = p.out.poll()) != null) {
            f.done.fail(cause);
        }
    }

    /** Fails everything, once; tells every live peer (except {@code origin}, which already knows). */
    private void poison(CollectiveException cause, int origin) {
        synchronized (stateLock) {
            if (failure != null) {
                return;
            }
            failure = cause;
        }
        for (Peer p : peers) {
            if (p == null) {
                continue;
            }
            synchronized (p) {
                p.posted.values().forEach(q -> q.forEach(s -> s.arrived.fail(poisoned(cause))));
                p.posted.clear();
                p.unexpected.clear();
            }
            OutFrame f;
            while ((f = p.out.poll()) != null) {
                f.done.fail(poisoned(cause));
            }
            if (p.rank != origin && p.gone == null) {
                byte[] all = String.valueOf(cause.getMessage()).getBytes(StandardCharsets.UTF_8);
                byte[] why = all.length <= MAX_ABORT_BYTES ? all : java.util.Arrays.copyOf(all, MAX_ABORT_BYTES);
                ByteBuffer b = ByteBuffer.allocate(HEADER + why.length);
                putHeader(b, ABORT, why.length, 0);
                b.put(why).flip();
                p.out.add(new OutFrame(new ByteBuffer[] {b}, b, new Completion("abort notice")));
                wantWrite.add(p);
            }
        }
        selector.wakeup();
    }

    private static PeerFailedException poisoned(CollectiveException cause) {
        return cause instanceof PeerFailedException pf ? pf : new PeerFailedException("job aborted: " + cause.getMessage(), cause);
    }

    @Override
    public void abort(CollectiveException cause) {
        poison(cause, -1);
    }

    /** Says goodbye to every peer, flushes (bounded by 2 s), and releases sockets and threads. */
    @Override
    public void close() {
        synchronized (stateLock) {
            if (closing) {
                return;
            }
            closing = true;
        }
        if (failure == null) {
            for (Peer p : peers) {
                if (p != null && p.gone == null) {
                    ByteBuffer b = ByteBuffer.allocate(HEADER);
                    putHeader(b, GOODBYE, 0, 0);
                    b.flip();
                    p.out.add(new OutFrame(new ByteBuffer[] {b}, b, new Completion("goodbye")));
                    wantWrite.add(p);
                }
            }
        }
        selector.wakeup();
        if (ioThread != null) {
            try {
                ioThread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        shutdown();
    }

    private void shutdown() {
        closing = true;
        if (ioThread != null) {
            ioThread.interrupt();
        }
        try {
            server.close();
        } catch (IOException ignored) {
            // best effort
        }
        for (Peer p : peers) {
            if (p != null) {
                try {
                    p.channel.close();
                } catch (IOException ignored) {
                    // best effort
                }
                PeerFailedException closed = new PeerFailedException("rank " + rank + ": transport closed");
                synchronized (p) {
                    p.posted.values().forEach(q -> q.forEach(s -> s.arrived.fail(closed)));
                    p.posted.clear();
                }
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // best effort
        }
        if (acceptor != null) {
            acceptor.interrupt();
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
