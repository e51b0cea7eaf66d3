package io.embark.jobs;

import io.embark.partitioning.AtomicDirectory;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.util.ShutdownHookManager;

/**
 * What an interrupted run (Ctrl-C, SIGTERM) says and cleans up. Two shutdown hooks: the first, before Spark stops its
 * context, notes that the run was interrupted and which outputs were being written; the second, after Spark has
 * stopped its tasks and before Hadoop closes its file systems, removes those outputs' temporary directories (nothing
 * a later run would trust was written under a real output name) and prints one line naming the stage and the outputs.
 * {@link Main} then prints no failure of its own.
 */
final class Interruption {

    /** Before Spark's context shutdown (Hadoop priority 40). */
    private static final int NOTE_PRIORITY = FileSystem.SHUTDOWN_HOOK_PRIORITY + 90;
    /** After Spark's context shutdown, before the file-system cache's close (10). */
    private static final int CLEAN_PRIORITY = FileSystem.SHUTDOWN_HOOK_PRIORITY + 10;

    private static volatile String stage = "startup";
    private volatile boolean happened;
    private volatile boolean finished;
    private volatile List<AtomicDirectory> unfinished = List.of();

    private Interruption() {
    }

    /** Watches for the JVM shutting down before {@link #finished()} is called. */
    static Interruption watch() {
        Interruption i = new Interruption();
        ShutdownHookManager.get().addShutdownHook(i::note, NOTE_PRIORITY);
        ShutdownHookManager.get().addShutdownHook(i::clean, CLEAN_PRIORITY);
        return i;
    }

    /** An instance that no shutdown reports to: a run that cannot be interrupted (for tests of what is printed). */
    static Interruption notWatching() {
        return new Interruption();
    }

    /** The stage the run is in, for the interruption's message. */
    static void stage(String name) {
        stage = name;
    }

    /** Whether the run was interrupted (the JVM began shutting down before the run ended). */
    boolean happened() {
        return happened;
    }

    /** The run ended by itself: a later shutdown is the normal exit. */
    void finished() {
        finished = true;
    }

    private void note() {
        if (!finished) {
            unfinished = AtomicDirectory.unfinished();
            happened = true;
        }
    }

    private void clean() {
        if (!happened) {
            return;
        }
        List<String> targets = new ArrayList<>();
        for (AtomicDirectory d : unfinished) {
            d.abort();
            targets.add(d.target().toString());
        }
        System.err.println("embark: interrupted during " + stage + "; " + (targets.isEmpty() ? "no output was being written"
                : "removed the unfinished output of " + String.join(", ", targets) + " (what was there before is untouched)"));
    }
}
