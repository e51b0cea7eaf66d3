package io.embark.jobs;

import io.embark.partitioning.AtomicDirectory;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.util.ShutdownHookManager;

/**
 * What an interrupted run (Ctrl-C, SIGTERM) says and cleans up. A shutdown hook, run after Spark has stopped its
 * context and before Hadoop closes its file systems, removes the temporary directories of the outputs being written
 * (nothing a later run would trust was written under a real output name) and prints one line naming the stage and
 * those outputs. {@link Main} then prints no failure of its own.
 */
final class Interruption {

    /** Between Spark's context shutdown (Hadoop priority 40) and the file-system cache's close (10). */
    private static final int PRIORITY = FileSystem.SHUTDOWN_HOOK_PRIORITY + 10;

    private static volatile String stage = "startup";
    private volatile boolean happened;
    private volatile boolean finished;

    private Interruption() {
    }

    /** Watches for the JVM shutting down before {@link #finished()} is called. */
    static Interruption watch() {
        Interruption i = new Interruption();
        ShutdownHookManager.get().addShutdownHook(i::onShutdown, PRIORITY);
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

    private void onShutdown() {
        if (finished) {
            return;
        }
        happened = true;
        List<Path> aborted = AtomicDirectory.abortAllOpen();
        System.err.println("embark: interrupted during " + stage + "; "
                + (aborted.isEmpty() ? "no output was being written"
                : "removed the unfinished output of " + String.join(", ", aborted.stream().map(Path::toString).toList())
                        + " (what was there before is untouched)"));
    }
}
