package io.embark.allreduce.transport;

import io.embark.allreduce.CollectiveException;
import io.embark.allreduce.buffer.ElementBuffer;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Where the members of a group meet to open a {@link SharedWindow}: one window per (tag, members)
 * while it is opening. The last member to arrive takes it out of the registry, so the next operation
 * with the same tag and group (a later step of the same collective) gets a fresh window even while
 * slower members are still closing the old one.
 */
final class SharedWindows {
    private record Key(long tag, int[] members) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.tag == tag && Arrays.equals(k.members, members);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(tag) * 31 + Arrays.hashCode(members);
        }
    }

    private final Map<Key, SharedWindow> opening = new HashMap<>();
    private final Set<SharedWindow> live = ConcurrentHashMap.newKeySet();
    private final Function<int[], CollectiveException> failureOf;

    /** {@code failureOf}: why a group of these ranks cannot go on (abort, a member closed), or null. */
    SharedWindows(Function<int[], CollectiveException> failureOf) {
        this.failureOf = failureOf;
    }

    SharedWindow open(long tag, int[] members, int index, ElementBuffer buf, int off, int len, Deadline deadline) {
        if (index < 0 || index >= members.length) {
            throw new IllegalArgumentException("index " + index + " of " + members.length + " members");
        }
        int[] m = members.clone();
        SharedWindow w;
        synchronized (opening) {
            Key key = new Key(tag, m);
            w = opening.computeIfAbsent(key, k -> {
                SharedWindow[] self = new SharedWindow[1];
                self[0] = new SharedWindow(m.length, len, "tag " + tag + " ranks " + Arrays.toString(m),
                        () -> failureOf.apply(m), () -> live.remove(self[0]));
                live.add(self[0]);
                return self[0];
            });
            if (w.publish(index, buf, off, len)) {
                opening.remove(key);
            }
        }
        w.awaitOpen(deadline);
        return w;
    }

    /** Lets every waiting member look at the failure state again (after an abort or a close). */
    void wakeAll() {
        for (SharedWindow w : live) {
            w.wake();
        }
    }
}
