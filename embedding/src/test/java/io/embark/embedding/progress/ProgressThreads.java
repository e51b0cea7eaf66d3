package io.embark.embedding.progress;

import java.util.List;

/** Test helper: the live threads whose name starts with a prefix, to check that a reporter left none behind. */
public final class ProgressThreads {

    private ProgressThreads() {
    }

    public static List<String> named(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith(prefix)).toList();
    }
}
