package io.embark.embedding.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The manifest of one checkpoint version ({@code manifest.crc32c}): every other file of the version with its length
 * and CRC32C ({@link FileCrc}), written last when the version is committed, and checked by every read of the version.
 * A text file, one file a line (path relative to the version, bytes, CRC32C in hex, tab-separated), then a line with
 * the CRC32C of every byte before it:
 * <pre>
 *   embark checkpoint manifest 1
 *   checkpoint.json	2841	5be2d0c3
 *   entities/e/part-00000.emb	304	0b8f2a11
 *   entities/e/part-00001.emb	304	9c41d7e0
 *   relations.bin	97	4410ae2f
 *   crc32c	e3a97b06
 * </pre>
 */
public final class VersionManifest {

    public static final String FILE = "manifest.crc32c";
    private static final String HEADER = "embark checkpoint manifest 1";
    private static final String CRC_LINE = "crc32c\t";

    private final Map<String, FileCrc> files;

    public VersionManifest(Map<String, FileCrc> files) {
        this.files = Collections.unmodifiableMap(new TreeMap<>(files));
    }

    /** Every file, by path relative to the version directory. */
    public Map<String, FileCrc> files() {
        return files;
    }

    public Optional<FileCrc> file(String path) {
        return Optional.ofNullable(files.get(path));
    }

    /** Whether a file of a version ends with a CRC32C trailer: all but {@code checkpoint.json} do. */
    static boolean hasTrailer(String path) {
        return !path.equals(CheckpointStore.INFO);
    }

    byte[] toBytes() {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (Map.Entry<String, FileCrc> e : files.entrySet()) {
            sb.append(e.getKey()).append('\t').append(e.getValue().bytes()).append('\t').append(e.getValue().hex()).append('\n');
        }
        byte[] body = sb.toString().getBytes(StandardCharsets.UTF_8);
        byte[] last = (CRC_LINE + FileCrc.hex(crc32c(body, body.length)) + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[body.length + last.length];
        System.arraycopy(body, 0, all, 0, body.length);
        System.arraycopy(last, 0, all, body.length, last.length);
        return all;
    }

    void write(FileSystem fs, Path versionDir) throws IOException {
        try (OutputStream out = fs.create(new Path(versionDir, FILE), true)) {
            out.write(toBytes());
        }
    }

    /** Parses a manifest, refusing one whose last line does not hold the CRC32C of the lines before it. */
    static VersionManifest parse(byte[] bytes, Problem problem) throws IOException {
        String text = new String(bytes, StandardCharsets.UTF_8);
        int last = text.lastIndexOf(CRC_LINE);
        if (!text.startsWith(HEADER + "\n") || last < 0 || !text.endsWith("\n")) {
            throw problem.report("not a checkpoint manifest (expected a first line '" + HEADER + "' and a last line 'crc32c\\tHEX')");
        }
        int bodyBytes = text.substring(0, last).getBytes(StandardCharsets.UTF_8).length;
        String recorded = text.substring(last + CRC_LINE.length()).trim();
        String computed = FileCrc.hex(crc32c(bytes, bodyBytes));
        if (!computed.equals(recorded)) {
            throw problem.report("CRC32C " + computed + " of its lines, its last line says " + recorded);
        }
        Map<String, FileCrc> files = new TreeMap<>();
        String[] lines = text.substring(0, last).split("\n");
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split("\t");
            try {
                if (f.length != 3 || files.put(f[0], new FileCrc(Long.parseLong(f[1]), Long.parseLong(f[2], 16))) != null) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw problem.report("line " + (i + 1) + " is not 'path<TAB>bytes<TAB>crc32c' of a file listed once: " + lines[i]);
            }
        }
        return new VersionManifest(files);
    }

    static long crc32c(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return crc.getValue();
    }

    /** Turns what is wrong with a manifest into the exception that refuses it. */
    @FunctionalInterface
    interface Problem {
        IOException report(String what);
    }
}
