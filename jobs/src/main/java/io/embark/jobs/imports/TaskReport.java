package io.embark.jobs.imports;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * What import tasks did: the edges they counted, kept or skipped (summed over the input tasks a writer received
 * reports from) and the bucket files a writer wrote.
 */
public final class TaskReport implements Serializable {

    private static final long serialVersionUID = 1L;

    /** One bucket file written by the task: its bucket, slot, the task attempt that wrote it, edges and checksum. */
    public static final class FileEntry implements Serializable {
        private static final long serialVersionUID = 1L;
        public int lhsPartition;
        public int rhsPartition;
        public int slot;
        public long attempt;
        public long edges;
        public long crc32c;
    }

    /** One skipped line: file, 1-based line (-1 when unknown), reason, text. */
    public static final class BadSample implements Serializable {
        private static final long serialVersionUID = 1L;
        public String file;
        public long line;
        public String reason;
        public String text;
    }

    public ArrayList<FileEntry> files = new ArrayList<>();
    public long lines;
    public long edges;
    public long bad;
    public ArrayList<BadSample> badSample = new ArrayList<>();
    public long unknownEntity;
    public ArrayList<String> unknownEntitySample = new ArrayList<>();
    public long unknownRelation;
    public long[] relationEdges = new long[0];

    public static List<Class<?>> kryoClasses() {
        return List.of(TaskReport.class, FileEntry.class, BadSample.class);
    }
}
