package io.embark.allreduce.transport;

import io.embark.allreduce.buffer.ElementBuffer;

/**
 * What a transport offers when its ranks share one address space (threads of one JVM): instead of
 * sending messages, the members of a group can open a {@link SharedWindow} on each other's buffers
 * and read and write them directly. An algorithm that uses it moves every element once, with no
 * messages and no intermediate buffers, and synchronizes only when the window opens and closes.
 */
public interface SharedBuffers {

    /**
     * Publishes {@code buf[off, off+len)} as member {@code index} of the group {@code members} (global
     * ranks, in group order) for the operation {@code tag}, and waits until every member has published
     * its range. Every member must pass the same {@code members}, {@code tag} and {@code len}.
     *
     * @throws io.embark.allreduce.CollectiveTimeoutException when a member does not arrive before {@code deadline}
     * @throws io.embark.allreduce.PeerFailedException when the job is aborted or a member closes meanwhile
     */
    SharedWindow open(long tag, int[] members, int index, ElementBuffer buf, int off, int len, Deadline deadline);
}
