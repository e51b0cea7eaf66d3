package io.embark.partitioning;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

/**
 * A directory that is written under a temporary sibling name and appears under its real name only when
 * {@link #commit()} renames it into place. A run that fails or is killed leaves at most a {@code ._tmp-*} sibling,
 * which nothing reads.
 *
 * <pre>
 *   out/graph._tmp-3f2a...   while writing
 *   out/graph                after commit (an existing out/graph is first moved to out/graph._old-..., then deleted)
 * </pre>
 *
 * On file systems whose rename is not atomic (object stores such as S3), readers still never trust a directory
 * without its manifest, and the manifest lists every file with its size and checksum.
 */
public final class AtomicDirectory {

    /** The directories this JVM began and has neither committed nor aborted: what an interrupted run must remove. */
    private static final Set<AtomicDirectory> OPEN = ConcurrentHashMap.newKeySet();

    private final FileSystem fs;
    private final Path target;
    private final Path temp;
    private final boolean replace;
    private boolean committed;

    private AtomicDirectory(FileSystem fs, Path target, boolean replace) {
        this.fs = fs;
        this.target = target;
        this.replace = replace;
        this.temp = new Path(target.getParent(), target.getName() + "._tmp-" + UUID.randomUUID());
    }

    /**
     * Starts writing {@code target}. When it exists already and {@code replace} is false, refuses with a message that
     * names the path and the config key {@code replaceKey} that allows replacing it.
     */
    public static AtomicDirectory begin(FileSystem fs, Path target, boolean replace, String replaceKey) throws IOException {
        if (fs.exists(target) && !replace) {
            throw new IOException("output " + target + " already exists: remove it or set " + replaceKey + "=true to replace it");
        }
        AtomicDirectory dir = new AtomicDirectory(fs, target, replace);
        if (!fs.mkdirs(dir.temp)) {
            throw new IOException("cannot create temporary output directory " + dir.temp);
        }
        OPEN.add(dir);
        return dir;
    }

    /** Where to write: the temporary directory. */
    public Path path() {
        return temp;
    }

    public Path target() {
        return target;
    }

    /**
     * Moves the temporary directory into place. The last rename refuses a target that exists ({@link Options.Rename#NONE}):
     * a plain {@link FileSystem#rename} of a directory onto an existing directory moves it <em>into</em> that directory
     * on HDFS and on the local file system ({@code out/graph/graph._tmp-...}) and reports success, so a target that
     * appeared while this run was writing would silently swallow the output. On HDFS the refusal is atomic (the
     * NameNode's rename2); elsewhere it is Hadoop's check-then-rename.
     */
    public void commit() throws IOException {
        Path old = null;
        if (replace && fs.exists(target)) {
            old = new Path(target.getParent(), target.getName() + "._old-" + UUID.randomUUID());
            if (!fs.rename(target, old)) {
                throw new IOException("cannot move existing output " + target + " aside to " + old);
            }
        }
        try {
            FileUtil.rename(fs, temp, target, Options.Rename.NONE);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("output " + target + " appeared while this run was writing; not replacing it", e);
        }
        committed = true;
        OPEN.remove(this);
        if (old != null) {
            fs.delete(old, true);
        }
    }

    /** Deletes the temporary directory when the run did not commit. Safe to call more than once. */
    public void abort() {
        if (!committed) {
            try {
                fs.delete(temp, true);
            } catch (IOException ignored) {
                // best effort: an uncommitted ._tmp directory is never read
            }
        }
        OPEN.remove(this);
    }

    /** The directories this JVM began and has neither committed nor aborted (what an interrupted run must remove). */
    public static List<AtomicDirectory> unfinished() {
        return new ArrayList<>(OPEN);
    }
}
