package io.embark.allreduce.transport;

import io.embark.allreduce.CollectiveException;
import io.embark.allreduce.PeerFailedException;
import io.embark.allreduce.buffer.ElementBuffer;

import java.util.function.Supplier;

/**
 * The ranges that the members of one group published for one operation (see {@link SharedBuffers}):
 * member {@code i}'s elements are {@code buffer(i)[offset(i), offset(i) + length())}. While the window
 * is open every member may read any range and write the parts the algorithm assigns it; {@link #close}
 * waits until every member has closed, so that when it returns no other thread touches this rank's
 * buffer any more.
 */
public final class SharedWindow {
    private final ElementBuffer[] buffers;
    private final int[] offsets;
    private final int length;
    private final String description;
    private final Supplier<CollectiveException> failure;
    private final Runnable onAllLeft;
    private int arrived;
    private int left;

    /**
     * @param failure   why the group cannot go on (abort, a member closed), or null; checked while waiting
     * @param onAllLeft run once by the last member to leave
     */
    SharedWindow(int size, int length, String description, Supplier<CollectiveException> failure, Runnable onAllLeft) {
        this.buffers = new ElementBuffer[size];
        this.offsets = new int[size];
        this.length = length;
        this.description = description;
        this.failure = failure;
        this.onAllLeft = onAllLeft;
    }

    /** Number of members. */
    public int size() {
        return buffers.length;
    }

    /** Elements each member published. */
    public int length() {
        return length;
    }

    public ElementBuffer buffer(int member) {
        return buffers[member];
    }

    public int offset(int member) {
        return offsets[member];
    }

    /** All members' buffers, in group order (a copy). */
    public ElementBuffer[] buffers() {
        return buffers.clone();
    }

    /** All members' offsets, in group order (a copy). */
    public int[] offsets() {
        return offsets.clone();
    }

    /** Records member {@code index}'s range; true if it was the last to arrive. */
    synchronized boolean publish(int index, ElementBuffer buf, int off, int len) {
        if (len != length) {
            throw new CollectiveException("shared window " + description + ": member " + index + " published "
                    + len + " elements, the first member to arrive published " + length
                    + " (ranks called different collectives or used different options)");
        }
        if (buffers[index] != null) {
            throw new CollectiveException("shared window " + description + ": member " + index
                    + " published twice (the same tag is in flight twice)");
        }
        buffers[index] = buf;
        offsets[index] = off;
        arrived++;
        notifyAll();
        return arrived == buffers.length;
    }

    /** Waits until every member has published. */
    synchronized void awaitOpen(Deadline deadline) {
        // failure first: a window whose members all arrived is useless once the job is aborted
        waitFor(() -> arrived == buffers.length, true, deadline, "every member to open");
    }

    /**
     * Leaves the window and waits until every member has left: after this returns no member reads or
     * writes this rank's buffer any more.
     */
    public void close(Deadline deadline) {
        boolean last;
        synchronized (this) {
            left++;
            notifyAll();
            last = left == buffers.length;
            // done first: a member that left and then closed its transport finished its part
            waitFor(() -> left == buffers.length, false, deadline, "every member to finish");
        }
        if (last) {
            onAllLeft.run();
        }
    }

    /** Wakes waiters so that they see a failure. */
    synchronized void wake() {
        notifyAll();
    }

    private void waitFor(java.util.function.BooleanSupplier condition, boolean failureFirst, Deadline deadline,
                         String what) {
        while (true) {
            if (!failureFirst && condition.getAsBoolean()) {
                return;
            }
            CollectiveException f = failure.get();
            if (f != null) {
                throw new PeerFailedException(deadline.operation() + " failed while waiting for " + what
                        + " in shared window " + description + ": " + f.getMessage(), f);
            }
            if (condition.getAsBoolean()) {
                return;
            }
            deadline.checkCancelled(what + " in shared window " + description);
            long nanos = deadline.sliceNanos();
            if (nanos <= 0) {
                throw deadline.timeoutException(what + " in shared window " + description);
            }
            try {
                wait(nanos / 1_000_000, (int) (nanos % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CollectiveException(deadline.operation() + " interrupted while waiting for " + what, e);
            }
        }
    }
}
