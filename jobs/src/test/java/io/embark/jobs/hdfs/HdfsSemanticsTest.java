package io.embark.jobs.hdfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embark.jobs.config.ConfigLoader;
import io.embark.jobs.config.DriverPaths;
import io.embark.jobs.config.JobConfig;
import io.embark.partitioning.AtomicDirectory;
import io.embark.partitioning.AtomicFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.UserGroupInformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What HDFS does differently from the local disk, against a real NameNode ({@link MiniHdfs}), and how Embark's file
 * operations cope: a directory renamed onto an existing directory lands <em>inside</em> it, a file renamed onto an
 * existing file is refused, and a path without a host means the default file system's NameNode.
 */
@ExtendWith(MiniHdfs.Extension.class)
@Timeout(120)
class HdfsSemanticsTest {

    @Test
    void aDirectoryThatAppearedWhileWritingIsNeitherReplacedNorNestedInto(MiniHdfs hdfs) throws Exception {
        try (FileSystem fs = hdfs.fileSystem()) {
            Path base = new Path(hdfs.uri("/semantics/nest"));
            // HDFS itself: rename(dir, existingDir) moves dir into existingDir and says it succeeded
            fs.mkdirs(new Path(base, "a/x"));
            fs.mkdirs(new Path(base, "b"));
            assertTrue(fs.rename(new Path(base, "a"), new Path(base, "b")));
            assertTrue(fs.exists(new Path(base, "b/a/x")), "HDFS nests a directory renamed onto an existing one");

            Path target = new Path(base, "graph");
            AtomicDirectory dir = AtomicDirectory.begin(fs, target, false, "import.overwrite");
            write(fs, new Path(dir.path(), "manifest.json"), "new");
            write(fs, new Path(target, "manifest.json"), "someone else's"); // another run committed meanwhile
            IOException e = assertThrows(IOException.class, dir::commit);
            assertTrue(e.getMessage().contains("appeared while this run was writing"), e.getMessage());
            assertEquals("someone else's", read(fs, new Path(target, "manifest.json")));
            assertEquals(1, fs.listStatus(target).length, "nothing moved into the other run's output");
            dir.abort();
            assertFalse(fs.exists(dir.path()), "the temporary directory removed");
        }
    }

    @Test
    void anExistingDirectoryIsReplacedWholeAndNothingIsLeftBeside(MiniHdfs hdfs) throws Exception {
        try (FileSystem fs = hdfs.fileSystem()) {
            Path base = new Path(hdfs.uri("/semantics/replace"));
            Path target = new Path(base, "export");
            write(fs, new Path(target, "old.tsv"), "old");
            AtomicDirectory dir = AtomicDirectory.begin(fs, target, true, "export.overwrite");
            write(fs, new Path(dir.path(), "new.tsv"), "new");
            dir.commit();
            assertEquals("new", read(fs, new Path(target, "new.tsv")));
            assertFalse(fs.exists(new Path(target, "old.tsv")), "the old output is gone, not merged");
            assertEquals(1, fs.listStatus(base).length, "no ._tmp or ._old sibling left");
        }
    }

    @Test
    void aFileIsReplacedAlthoughHdfsRefusesToRenameOntoOne(MiniHdfs hdfs) throws Exception {
        try (FileSystem fs = hdfs.fileSystem()) {
            Path base = new Path(hdfs.uri("/semantics/file"));
            write(fs, new Path(base, "a"), "a");
            write(fs, new Path(base, "b"), "b");
            assertFalse(fs.rename(new Path(base, "a"), new Path(base, "b")), "HDFS does not rename a file onto an existing one");

            Path stats = new Path(base, "stats.jsonl");
            AtomicFile.write(fs, stats, "epoch 1\n");
            AtomicFile.write(fs, stats, "epoch 1\nepoch 2\n");
            assertEquals("epoch 1\nepoch 2\n", read(fs, stats));
            assertEquals(3, fs.listStatus(base).length, "a, b and stats.jsonl: no temporary file left");
        }
    }

    @Test
    void pathsAreQualifiedAgainstHdfsWhenItIsTheDefaultFileSystem(MiniHdfs hdfs) throws Exception {
        Configuration conf = new Configuration();
        conf.set("fs.defaultFS", hdfs.nameNode().toString());
        DriverPaths paths = new DriverPaths(conf, "spark://10.1.2.3:7077", false);
        JobConfig job = JobConfig.read(ConfigLoader.fromText("", "test", List.of("workspace=work/run1", "data.train=/edges/train",
                "data.test=hdfs:///edges/test")).qualifyingPaths(paths));
        String user = UserGroupInformation.getCurrentUser().getShortUserName();
        assertEquals(hdfs.uri("/user/" + user + "/work/run1"), job.workspace(), "relative: HDFS's working directory, the user's home");
        assertEquals(List.of(hdfs.uri("/edges/train")), job.data().orElseThrow().train());
        assertEquals(List.of(hdfs.uri("/edges/test")), job.data().orElseThrow().test(), "no host: the default NameNode's");
    }

    private static void write(FileSystem fs, Path file, String text) throws IOException {
        try (var out = fs.create(file, false)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String read(FileSystem fs, Path file) throws IOException {
        try (InputStream in = fs.open(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
