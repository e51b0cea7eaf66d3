package io.embark.allreduce.transport;

import io.embark.allreduce.CollectiveException;
import io.embark.allreduce.PeerFailedException;
import io.embark.allreduce.ReduceOp;
import io.embark.allreduce.buffer.ElementBuffer;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The shared memory that the ranks of one JVM exchange through: one mailbox per destination rank,
 * where a send and the matching receive meet. The receiving thread then moves the elements straight
 * from the sender's range into its own, combining on the fly for a reduce-receive, so a message costs
 * exactly one pass over memory and no intermediate buffer.
 *
 * <p>Ranks can also skip messages altogether: {@link InProcessTransport#sharedBuffers()} lets the
 * members of a group open a {@link SharedWindow} on each other's buffers.
 *
 * <p>Create one fabric per job (never a static one) and take each rank's {@link InProcessTransport}
 * from it with {@link #transport(int)}.
 */
public final class InProcessFabric {
    private final int size;
    private final Mailbox[] mailboxes;
    private final InProcessTransport[] transports;
    private final boolean[] closed;
    private volatile CollectiveException failure;
    private final java.util.Set<Completion> inFlight = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final SharedWindows windows = new SharedWindows(this::groupFailure);

    public InProcessFabric(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("size: " + size + " (expected >= 1)");
        }
        this.size = size;
        this.mailboxes = new Mailbox[size];
        for (int i = 0; i < size; i++) {
            mailboxes[i] = new Mailbox();
        }
        this.transports = new InProcessTransport[size];
        this.closed = new boolean[size];
    }

    public int size() {
        return size;
    }

    /** The transport of {@code rank}; each rank's transport can be taken once. */
    public synchronized InProcessTransport transport(int rank) {
        if (rank < 0 || rank >= size) {
            throw new IllegalArgumentException("rank: " + rank + " (expected 0.." + (size - 1) + ")");
        }
        if (transports[rank] != null) {
            throw new IllegalStateException("the transport of rank " + rank + " was already taken");
        }
        transports[rank] = new InProcessTransport(this, rank);
        return transports[rank];
    }

    private record Key(int source, long tag) {
    }

    private static final class PendingSend {
        final int source;
        final ElementBuffer src;
        final int offset;
        final int length;
        final Completion done;

        PendingSend(int source, ElementBuffer src, int offset, int length, Completion done) {
            this.source = source;
            this.src = src;
            this.offset = offset;
            this.length = length;
            this.done = done;
        }
    }

    private static final class PendingRecv {
        final ElementBuffer dst;
        final int offset;
        final int length;
        final ReduceOp op;
        final Completion done;

        PendingRecv(ElementBuffer dst, int offset, int length, ReduceOp op, Completion done) {
            this.dst = dst;
            this.offset = offset;
            this.length = length;
            this.op = op;
            this.done = done;
        }
    }

    private static final class Mailbox {
        final Map<Key, ArrayDeque<PendingSend>> sends = new HashMap<>();
        final Map<Key, ArrayDeque<PendingRecv>> recvs = new HashMap<>();
    }

    Request send(int source, int dest, long tag, ElementBuffer src, int offset, int length) {
        checkPeer(source, dest);
        Completion done = new Completion("send to rank " + dest + " (tag " + tag + ", " + length + " elements)");
        Mailbox box = mailboxes[dest];
        PendingRecv match;
        synchronized (box) {
            CollectiveException why = unusable(source, dest);
            if (why != null) {
                done.fail(why);
                return done;
            }
            Key key = new Key(source, tag);
            ArrayDeque<PendingRecv> q = box.recvs.get(key);
            match = q == null ? null : q.poll();
            if (match == null) {
                box.sends.computeIfAbsent(key, k -> new ArrayDeque<>())
                        .add(new PendingSend(source, src, offset, length, done));
                return done;
            }
            if (q.isEmpty()) {
                box.recvs.remove(key);
            }
        }
        handOver(new PendingSend(source, src, offset, length, done), match, dest, tag);
        return done;
    }

    Request recv(int dest, int source, long tag, ElementBuffer dst, int offset, int length, ReduceOp op) {
        checkPeer(dest, source);
        Completion done = new Completion((op == null ? "receive" : "reduce-receive") + " from rank " + source
                + " (tag " + tag + ", " + length + " elements)");
        Mailbox box = mailboxes[dest];
        PendingSend match;
        PendingRecv recv = new PendingRecv(dst, offset, length, op, done);
        synchronized (box) {
            CollectiveException why = unusable(dest, source);
            if (why != null) {
                done.fail(why);
                return done;
            }
            Key key = new Key(source, tag);
            ArrayDeque<PendingSend> q = box.sends.get(key);
            match = q == null ? null : q.poll();
            if (match == null) {
                box.recvs.computeIfAbsent(key, k -> new ArrayDeque<>()).add(recv);
                return done;
            }
            if (q.isEmpty()) {
                box.sends.remove(key);
            }
        }
        handOver(match, recv, dest, tag);
        return done;
    }

    /**
     * A send met its receive. The elements are moved by the receiving thread when it awaits its
     * request (into its own memory, which keeps the work of a step balanced across ranks: if the
     * sender moved them, one fast rank could end up doing both directions of an exchange while its
     * partner idled). Until then the sender's request stays open, and an abort fails it.
     */
    private void handOver(PendingSend s, PendingRecv r, int dest, long tag) {
        inFlight.add(s.done);
        r.done.thenInAwaiter(() -> {
            try {
                transfer(s, r, dest, tag);
            } finally {
                inFlight.remove(s.done);
            }
        });
        r.done.complete();
    }

    private static void transfer(PendingSend s, PendingRecv r, int dest, long tag) {
        if (s.length != r.length) {
            CollectiveException e = new CollectiveException("message size mismatch on tag " + tag + ": rank " + s.source
                    + " sent " + s.length + " elements, rank " + dest + " expected " + r.length
                    + " (ranks called different collectives or used different options)");
            s.done.fail(e);
            throw e;
        }
        try {
            if (r.length > 0) {
                if (r.op == null) {
                    r.dst.copyFrom(s.src, s.offset, r.offset, r.length);
                } else {
                    r.dst.combineFrom(s.src, s.offset, r.offset, r.length, r.op);
                }
            }
        } catch (RuntimeException e) {
            s.done.fail(e);
            throw e;
        }
        s.done.complete();
    }

    SharedWindow openWindow(long tag, int[] members, int index, ElementBuffer buf, int off, int len, Deadline deadline) {
        for (int m : members) {
            if (m < 0 || m >= size) {
                throw new IllegalArgumentException("member rank " + m + " (expected 0.." + (size - 1) + ")");
            }
        }
        return windows.open(tag, members, index, buf, off, len, deadline);
    }

    /** Why a shared window over {@code members} cannot go on: the job was aborted or a member closed; null if it can. */
    private CollectiveException groupFailure(int[] members) {
        CollectiveException f = failure;
        if (f != null) {
            return new PeerFailedException("job aborted: " + f.getMessage(), f);
        }
        synchronized (closed) {
            for (int m : members) {
                if (closed[m]) {
                    return new PeerFailedException("rank " + m + " has closed its transport");
                }
            }
        }
        return null;
    }

    private void checkPeer(int self, int peer) {
        if (peer < 0 || peer >= size || peer == self) {
            throw new IllegalArgumentException("peer: " + peer + " (expected 0.." + (size - 1) + ", not " + self + ")");
        }
    }

    /** Why {@code self} cannot talk to {@code peer} now; null if it can. Called under a mailbox lock. */
    private CollectiveException unusable(int self, int peer) {
        CollectiveException f = failure;
        if (f != null) {
            return new PeerFailedException("job aborted: " + f.getMessage(), f);
        }
        synchronized (closed) {
            if (closed[self]) {
                return new CollectiveException("rank " + self + " has already closed its transport");
            }
            if (closed[peer]) {
                return new PeerFailedException("rank " + peer + " has closed its transport");
            }
        }
        return null;
    }

    void abort(int rank, CollectiveException cause) {
        if (failure == null) {
            failure = new PeerFailedException("rank " + rank + " aborted: " + cause.getMessage(), cause);
        }
        failWhere(failure, (dest, source) -> true);
        for (Completion c : inFlight) {
            c.fail(failure);
        }
        windows.wakeAll();
    }

    void close(int rank) {
        synchronized (closed) {
            if (closed[rank]) {
                return;
            }
            closed[rank] = true;
        }
        PeerFailedException gone = new PeerFailedException("rank " + rank + " has closed its transport");
        failWhere(gone, (dest, source) -> dest == rank || source == rank);
        windows.wakeAll();
    }

    private interface PairFilter {
        boolean test(int dest, int source);
    }

    private void failWhere(CollectiveException cause, PairFilter filter) {
        for (int dest = 0; dest < size; dest++) {
            Mailbox box = mailboxes[dest];
            synchronized (box) {
                for (Iterator<Map.Entry<Key, ArrayDeque<PendingSend>>> it = box.sends.entrySet().iterator(); it.hasNext();) {
                    Map.Entry<Key, ArrayDeque<PendingSend>> e = it.next();
                    if (filter.test(dest, e.getKey().source())) {
                        e.getValue().forEach(s -> s.done.fail(cause));
                        it.remove();
                    }
                }
                for (Iterator<Map.Entry<Key, ArrayDeque<PendingRecv>>> it = box.recvs.entrySet().iterator(); it.hasNext();) {
                    Map.Entry<Key, ArrayDeque<PendingRecv>> e = it.next();
                    if (filter.test(dest, e.getKey().source())) {
                        e.getValue().forEach(r -> r.done.fail(cause));
                        it.remove();
                    }
                }
            }
        }
    }
}
