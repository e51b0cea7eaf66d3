package io.embark.jobs.imports;

import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Turns a byte offset in a text file into a 1-based line number by counting newlines before it. Used only on the
 * error path (a bad line), so normal parsing keeps Hadoop's cheap byte offsets.
 */
public final class LineLocator {

    private LineLocator() {
    }

    public static long lineNumber(Configuration conf, String file, long byteOffset) {
        Path path = new Path(file);
        long lines = 1;
        try (InputStream in = path.getFileSystem(conf).open(path)) {
            byte[] buf = new byte[1 << 16];
            long read = 0;
            while (read < byteOffset) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, byteOffset - read));
                if (n < 0) {
                    break;
                }
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        lines++;
                    }
                }
                read += n;
            }
            return lines;
        } catch (IOException e) {
            return -1;
        }
    }
}
