package io.embark.jobs.hdfs;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A real HDFS for the tests: a NameNode and one DataNode ({@code MiniDFSCluster} of Hadoop's shaded
 * {@code hadoop-client-minicluster}, the project's Hadoop version) running in the test JVM on loopback, with their
 * storage in a temporary folder. It is started once, by the first test that asks for it (a parameter of type
 * {@link MiniHdfs} with {@code @ExtendWith(MiniHdfs.Extension.class)}), and shut down, its folder deleted, when
 * the whole test run ends (it lives in JUnit's root store), so that every HDFS test of the run shares one start.
 *
 * <p>Everything a test writes goes under {@link #uri(String)}; tests use their own top-level folder.
 */
public final class MiniHdfs implements AutoCloseable {

    private final MiniDFSCluster cluster;
    private final Path storage;

    private MiniHdfs(MiniDFSCluster cluster, Path storage) {
        this.cluster = cluster;
        this.storage = storage;
    }

    static MiniHdfs start() throws IOException {
        // the NameNode's audit log and the DataNode's per-block lines would be most of the test output
        Configurator.setLevel("org.apache.hadoop.hdfs", Level.WARN);
        Configurator.setLevel("BlockStateChange", Level.WARN);
        Path storage = Files.createTempDirectory("embark-minihdfs-");
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, storage.toString());
        // loopback only, every port chosen by the OS; no web UI to keep
        conf.set("dfs.namenode.rpc-address", "127.0.0.1:0");
        conf.set("dfs.namenode.http-address", "127.0.0.1:0");
        conf.set("dfs.datanode.address", "127.0.0.1:0");
        conf.set("dfs.datanode.http.address", "127.0.0.1:0");
        conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
        conf.setInt("dfs.replication", 1);
        MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).format(true).build();
        cluster.waitActive();
        return new MiniHdfs(cluster, storage);
    }

    /** {@code hdfs://127.0.0.1:PORT} followed by {@code path} (absolute, e.g. {@code /pipeline/ws}). */
    public String uri(String path) {
        return "hdfs://127.0.0.1:" + cluster.getNameNodePort() + path;
    }

    /** The NameNode's URI: what {@code fs.defaultFS} is set to when HDFS is the default file system. */
    public URI nameNode() {
        return URI.create(uri(""));
    }

    /** A client of this HDFS (not cached: closing it closes nothing else). */
    public FileSystem fileSystem() throws IOException {
        return FileSystem.newInstance(nameNode(), new Configuration());
    }

    @Override
    public void close() throws IOException {
        cluster.shutdown(true); // stops the NameNode and DataNode and deletes their storage
        if (!Files.exists(storage)) {
            return;
        }
        try (Stream<Path> s = Files.walk(storage)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Resolves {@link MiniHdfs} parameters with the one HDFS of the test run, starting it on first use. */
    public static final class Extension implements ParameterResolver {

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == MiniHdfs.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return context.getRoot().getStore(ExtensionContext.Namespace.create(MiniHdfs.class))
                    .getOrComputeIfAbsent(MiniHdfs.class, k -> {
                        try {
                            return start();
                        } catch (IOException e) {
                            throw new IllegalStateException("cannot start the mini HDFS", e);
                        }
                    }, MiniHdfs.class);
        }
    }
}
