package io.embark.allreduce.algorithm;

import io.embark.allreduce.ReduceOp;
import io.embark.allreduce.buffer.ElementBuffer;
import io.embark.allreduce.transport.Request;

import java.util.ArrayDeque;

/**
 * One step of an algorithm: send a range to one peer while receiving a range from another, both cut
 * into segments with at most {@code window} segments in flight each way. While segment {@code k} is
 * being combined into the destination, the transport is already moving segments {@code k+1...}: this
 * is what pipelines large buffers. Both sides cut a range the same way (segment {@code i} covers
 * elements {@code [i*seg, min(len, (i+1)*seg))}), so segments match one to one.
 */
final class Exchange {
    private Exchange() {
    }

    static int segments(int length, int segmentElements) {
        return (int) ((length + (long) segmentElements - 1) / segmentElements);
    }

    /**
     * Sends {@code sendBuf[sendOff, +sendLen)} to {@code sendPeer} (none if -1) and receives
     * {@code recvLen} elements from {@code recvPeer} (none if -1) into {@code recvBuf[recvOff, ...)},
     * combining with {@code op} or overwriting when {@code op} is null.
     */
    static void sendRecv(OpContext c,
                         int sendPeer, ElementBuffer sendBuf, int sendOff, int sendLen,
                         int recvPeer, ElementBuffer recvBuf, int recvOff, int recvLen, ReduceOp op) {
        int seg = c.segmentElements();
        int w = c.window();
        int ns = sendPeer < 0 ? 0 : segments(sendLen, seg);
        int nr = recvPeer < 0 ? 0 : segments(recvLen, seg);
        ArrayDeque<Request> sends = new ArrayDeque<>();
        ArrayDeque<Request> recvs = new ArrayDeque<>();
        int posted = 0;
        while (posted < nr && posted < w) {
            recvs.add(postRecv(c, recvPeer, recvBuf, recvOff, recvLen, op, posted++));
        }
        int sent = 0;
        int received = 0;
        while (sent < ns || received < nr) {
            if (sent < ns) {
                if (sends.size() >= w) {
                    sends.poll().await(c.deadline());
                }
                int o = sent * seg;
                sends.add(c.transport().send(sendPeer, c.tag(), sendBuf, sendOff + o, Math.min(seg, sendLen - o)));
                sent++;
            }
            if (received < nr) {
                recvs.poll().await(c.deadline());
                received++;
                if (posted < nr) {
                    recvs.add(postRecv(c, recvPeer, recvBuf, recvOff, recvLen, op, posted++));
                }
            }
        }
        while (!sends.isEmpty()) {
            sends.poll().await(c.deadline());
        }
    }

    private static Request postRecv(OpContext c, int peer, ElementBuffer buf, int off, int len, ReduceOp op, int i) {
        int o = i * c.segmentElements();
        int n = Math.min(c.segmentElements(), len - o);
        return op == null
                ? c.transport().recv(peer, c.tag(), buf, off + o, n)
                : c.transport().recvReduce(peer, c.tag(), buf, off + o, n, op);
    }

    /** Same buffer on both sides. */
    static void sendRecv(OpContext c, ElementBuffer buf, int sendPeer, int sendOff, int sendLen,
                         int recvPeer, int recvOff, int recvLen, ReduceOp op) {
        sendRecv(c, sendPeer, buf, sendOff, sendLen, recvPeer, buf, recvOff, recvLen, op);
    }

    static void send(OpContext c, int peer, ElementBuffer buf, int off, int len) {
        sendRecv(c, peer, buf, off, len, -1, buf, 0, 0, null);
    }

    static void recv(OpContext c, int peer, ElementBuffer buf, int off, int len, ReduceOp op) {
        sendRecv(c, -1, buf, 0, 0, peer, buf, off, len, op);
    }
}
