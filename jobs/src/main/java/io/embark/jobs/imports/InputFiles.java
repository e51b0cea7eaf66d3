package io.embark.jobs.imports;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Expands the paths of a {@code data.*} key (files, directories, globs, on any Hadoop file system) into the list
 * of data files, skipping hidden and bookkeeping files ({@code _SUCCESS}, {@code .crc}). A path that matches
 * nothing is an error naming the key.
 */
public final class InputFiles {

    private InputFiles() {
    }

    public static List<String> expand(Configuration conf, List<String> paths, String key) throws IOException {
        List<String> files = new ArrayList<>();
        for (String p : paths) {
            Path path = new Path(p);
            FileSystem fs = path.getFileSystem(conf);
            FileStatus[] matches = fs.globStatus(path);
            if (matches == null || matches.length == 0) {
                throw new BadInputException(key + ": " + p + " does not exist");
            }
            for (FileStatus m : matches) {
                if (m.isDirectory()) {
                    RemoteIterator<LocatedFileStatus> it = fs.listFiles(m.getPath(), true);
                    while (it.hasNext()) {
                        LocatedFileStatus f = it.next();
                        if (visible(f.getPath())) {
                            files.add(f.getPath().toString());
                        }
                    }
                } else if (visible(m.getPath())) {
                    files.add(m.getPath().toString());
                }
            }
        }
        if (files.isEmpty()) {
            throw new BadInputException(key + ": no data files in " + paths);
        }
        files.sort(null);
        return files;
    }

    private static boolean visible(Path p) {
        String n = p.getName();
        return !n.startsWith("_") && !n.startsWith(".") && !n.endsWith(".crc");
    }
}
