package io.embark.partitioning;

import org.apache.hadoop.fs.Path;

/**
 * Where each piece of an imported graph lives under its root directory.
 *
 * <pre>
 *   ROOT/manifest.json                              written last: a directory without it is not a dataset
 *   ROOT/relations.txt                              relation names, line i = relation id i
 *   ROOT/entities/TYPE/part-00003.txt               names of TYPE's partition 3, line j = offset j
 *   ROOT/buckets/SPLIT/lhs-00000_rhs-00001/*.ebk    the edges of bucket (0, 1) of split SPLIT (train, valid, test)
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

    public Path bucketDir(String split, Bucket bucket) {
        return new Path(splitDir(split), bucket.dirName());
    }
}
