package io.embark.partitioning;

import org.apache.hadoop.fs.Path;

/**
 * Where each piece of an imported graph lives under its root directory.
 *
 * <pre>
 *   ROOT/manifest.json                              written last: a directory without it is not a dataset
 *   ROOT/relations.txt                              relation names, line i = relation id i
 *   ROOT/entities/TYPE/part-00003.txt               names of TYPE's partition 3, line j = offset j
 *   ROOT/buckets/SPLIT/index.ebi                    the split's bucket index: every file, its bucket, edges, CRC32C
 *   ROOT/buckets/SPLIT/lhs-00000_rhs-00001.s0000.a0.ebk
 *                                                   slot 0 of the edges of bucket (0, 1) of split SPLIT (train, valid,
 *                                                   test), written by task attempt 0
 * </pre>
 *
 * Names in the text files are escaped with {@link NameCodec} so that any name fits on one line.
 */
public final class DatasetLayout {

    public static final String MANIFEST = "manifest.json";
    public static final String TRAIN = "train";

    private final Path root;

    public DatasetLayout(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    public Path manifest() {
        return new Path(root, MANIFEST);
    }

    public Path relationNames() {
        return new Path(root, "relations.txt");
    }

    public Path entityDir(String entityType) {
        return new Path(new Path(root, "entities"), entityType);
    }

    public Path entityNames(String entityType, int partition) {
        return new Path(entityDir(entityType), String.format("part-%05d.txt", partition));
    }

    public Path splitDir(String split) {
        return new Path(new Path(root, "buckets"), split);
    }

    public Path bucketIndex(String split) {
        return new Path(splitDir(split), BucketIndex.FILE_NAME);
    }

    /** The file holding {@code slot} of {@code bucket} of {@code split}, as written by task attempt {@code attempt}. */
    public Path bucketFile(String split, Bucket bucket, int slot, long attempt) {
        return new Path(splitDir(split), BucketIndex.fileName(bucket, slot, attempt));
    }

    /** A bucket file's path relative to the root, as the manifest records paths. */
    public String relative(Path path) {
        return root.toUri().relativize(path.toUri()).getPath();
    }
}
