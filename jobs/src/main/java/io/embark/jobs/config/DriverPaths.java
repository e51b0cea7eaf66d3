package io.embark.jobs.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Qualifies the config's paths once, on the driver, before any stage runs: a path without a scheme is resolved the way
 * the driver's Hadoop configuration resolves it (against {@code fs.defaultFS} and that file system's working
 * directory: the driver's working directory for the local file system) into a full URI, so that every executor
 * reads and writes the same place whatever its own working directory. A path with a scheme and a host is kept as
 * given; one with a scheme but no host ({@code hdfs:///embark/run1}) gets the host of {@code fs.defaultFS}, which
 * must then be a file system of that scheme ({@code hdfs://namenode:8020}), or the path is refused naming the key:
 * an executor whose own default differs would otherwise resolve it elsewhere, or fail later with Hadoop's
 * "Incomplete HDFS URI, no host".
 *
 * <p>A local ({@code file:}) path can only be shared by executors on the driver's machine: with a master whose
 * executors may run elsewhere (YARN, Kubernetes, a standalone master not on loopback) it is refused, naming the key,
 * unless {@code paths.localIsShared = true} says every executor mounts it at the same place (NFS).
 *
 * @param hadoop        the driver's Hadoop configuration (Spark's, with the job's {@code spark.hadoop.*} keys)
 * @param master        the Spark master the executors come from
 * @param localIsShared {@code paths.localIsShared}
 */
public record DriverPaths(Configuration hadoop, String master, boolean localIsShared) implements ConfigReader.PathQualifier {

    @Override
    public String qualify(String key, String path) {
        if (path.isBlank()) {
            throw new ConfigException(key + ": empty path");
        }
        Path p = new Path(path);
        Path q;
        String scheme = p.toUri().getScheme();
        if (scheme != null && (p.toUri().getAuthority() != null || scheme.equals("file"))) {
            q = p;
        } else if (scheme != null) {
            URI defaultFs = FileSystem.getDefaultUri(hadoop);
            if (!scheme.equals(defaultFs.getScheme()) || defaultFs.getAuthority() == null) {
                throw new ConfigException(key + ": " + path + " names no host, and the default file system (fs.defaultFS) is "
                        + defaultFs + ", not " + scheme + "://HOST: give the host (" + scheme + "://namenode:8020/...) or set "
                        + "spark.hadoop.fs.defaultFS");
            }
            q = new Path(defaultFs.getScheme(), defaultFs.getAuthority(), p.toUri().getPath());
        } else {
            try {
                q = p.getFileSystem(hadoop).makeQualified(p);
            } catch (IOException e) {
                throw new ConfigException(key + ": cannot resolve " + path + " against the default file system "
                        + hadoop.get("fs.defaultFS") + ": " + e.getMessage());
            }
        }
        if ("file".equals(q.toUri().getScheme()) && !localIsShared && !executorsShareDriverDisk(master)) {
            throw new ConfigException(key + ": " + path + " is on the driver's local disk (" + q + "), which executors of master "
                    + master + " may not share; give a URI every executor reaches (hdfs://, s3a://, ...), or set "
                    + "paths.localIsShared = true if every executor mounts it at the same place");
        }
        return q.toString();
    }

    /**
     * Whether every executor of {@code master} runs on the driver's machine: local mode, or a standalone master whose
     * every host is a loopback address (the cluster of {@code scripts/local-cluster.sh}).
     */
    static boolean executorsShareDriverDisk(String master) {
        String m = master.trim().toLowerCase(Locale.ROOT);
        if (m.startsWith("local")) {
            return true;
        }
        if (!m.startsWith("spark://")) {
            return false;
        }
        for (String hostPort : m.substring("spark://".length()).split(",")) {
            int colon = hostPort.lastIndexOf(':');
            String host = (colon < 0 ? hostPort : hostPort.substring(0, colon)).replace("[", "").replace("]", "");
            try {
                if (!InetAddress.getByName(host).isLoopbackAddress()) {
                    return false;
                }
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return true;
    }
}
