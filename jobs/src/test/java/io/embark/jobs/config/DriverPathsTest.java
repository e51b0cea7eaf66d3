package io.embark.jobs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

class DriverPathsTest {

    private static final String CWD = Path.of("").toAbsolutePath().toString();

    private static JobConfig read(DriverPaths paths, String... sets) {
        return JobConfig.read(ConfigLoader.fromText("", "test", List.of(sets)).qualifyingPaths(paths));
    }

    @Test
    void relative_paths_become_full_uris_on_the_drivers_file_system() {
        JobConfig job = read(new DriverPaths(new Configuration(), "local[2]", false), "workspace=work/demo",
                "data.train=[work/demo/edges/train, /data/more]", "data.test=hdfs://nn:8020/edges/test", "generate.output=out/edges");
        assertEquals("file:" + CWD + "/work/demo", job.workspace());
        assertEquals("file:" + CWD + "/work/demo/graph", job.graphDir());
        assertEquals("file:" + CWD + "/work/demo/export", job.export().output(), "a default derived from the workspace");
        DataConfig data = job.data().orElseThrow();
        assertEquals(List.of("file:" + CWD + "/work/demo/edges/train", "file:/data/more"), data.train());
        assertEquals(List.of("hdfs://nn:8020/edges/test"), data.test(), "a URI with a scheme is kept as given");
        assertEquals("file:" + CWD + "/out/edges", job.generate().output());
    }

    @Test
    void a_uri_without_a_host_takes_the_default_file_systems_or_is_refused() {
        Configuration onHdfs = new Configuration();
        onHdfs.set("fs.defaultFS", "hdfs://nn:8020");
        assertEquals("hdfs://nn:8020/embark/run1", read(new DriverPaths(onHdfs, "yarn", false), "workspace=hdfs:///embark/run1").workspace());
        ConfigException e = assertThrows(ConfigException.class,
                () -> read(new DriverPaths(new Configuration(), "local[2]", false), "workspace=hdfs:///embark/run1"));
        assertTrue(e.getMessage().startsWith("workspace: hdfs:///embark/run1 names no host, and the default file system (fs.defaultFS) is file:///"),
                e.getMessage());
        assertEquals("file:/w", read(new DriverPaths(onHdfs, "local[2]", false), "workspace=file:///w").workspace(), "file: needs no host");
    }

    @Test
    void without_a_qualifier_paths_are_as_given() {
        JobConfig job = JobConfig.read(ConfigLoader.fromText("", "test", List.of("workspace=work/demo")));
        assertEquals("work/demo", job.workspace());
    }

    @Test
    void local_paths_are_refused_where_executors_may_run_on_other_machines() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> read(new DriverPaths(new Configuration(), "yarn", false), "workspace=hdfs://nn/w", "data.train=edges/train"));
        assertTrue(e.getMessage().startsWith("data.train: edges/train is on the driver's local disk"), e.getMessage());
        assertTrue(e.getMessage().contains("paths.localIsShared = true"), e.getMessage());
        assertThrows(ConfigException.class, () -> read(new DriverPaths(new Configuration(), "spark://10.1.2.3:7077", false), "workspace=w"));
        // declared shared (NFS), or on a cluster whose every host is this machine: accepted
        assertEquals("file:/nfs/w", read(new DriverPaths(new Configuration(), "yarn", true), "workspace=/nfs/w").workspace());
        assertEquals("file:/w", read(new DriverPaths(new Configuration(), "spark://127.0.0.1:7077", false), "workspace=/w").workspace());
        assertEquals("hdfs://nn/w", read(new DriverPaths(new Configuration(), "k8s://https://api:6443", false), "workspace=hdfs://nn/w").workspace());
    }

    @Test
    void which_masters_share_the_drivers_disk() {
        assertTrue(DriverPaths.executorsShareDriverDisk("local[*]"));
        assertTrue(DriverPaths.executorsShareDriverDisk("spark://127.0.0.1:7077"));
        assertTrue(DriverPaths.executorsShareDriverDisk("spark://localhost:7077,127.0.0.1:7078"));
        assertFalse(DriverPaths.executorsShareDriverDisk("spark://127.0.0.1:7077,10.0.0.2:7077"));
        assertFalse(DriverPaths.executorsShareDriverDisk("yarn"));
        assertFalse(DriverPaths.executorsShareDriverDisk("k8s://https://10.0.0.1:6443"));
    }
}
