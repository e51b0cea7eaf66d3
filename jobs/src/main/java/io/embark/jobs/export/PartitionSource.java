package io.embark.jobs.export;

import io.embark.embedding.storage.CheckpointStore;
import io.embark.embedding.storage.EmbeddingTable;
import io.embark.jobs.imports.HadoopConf;
import io.embark.partitioning.ImportedGraph;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * What an export task reads for one (entity type, partition), given as {@code int[] {type index, partition}}: the
 * partition's names from the dataset's dictionary and its embeddings from the checkpoint, both opened in the task
 * through the Hadoop FileSystem API.
 */
final class PartitionSource implements Serializable {

    private static final long serialVersionUID = 1L;

    /** One partition: names and embeddings, row j of the table is the entity {@code names.get(j)}. */
    record Partition(String type, int partition, List<String> names, EmbeddingTable table) {
    }

    private final HadoopConf conf;
    private final String graphDir;
    private final String checkpointDir;
    private final int version;
    private final String[] types;

    PartitionSource(HadoopConf conf, String graphDir, String checkpointDir, int version, String[] types) {
        this.conf = conf;
        this.graphDir = graphDir;
        this.checkpointDir = checkpointDir;
        this.version = version;
        this.types = types.clone();
    }

    Configuration hadoopConf() {
        return conf.get();
    }

    Partition load(int[] key) throws IOException {
        String type = types[key[0]];
        int p = key[1];
        Configuration c = conf.get();
        Path g = new Path(graphDir);
        Path ckpt = new Path(checkpointDir);
        List<String> names = ImportedGraph.open(g.getFileSystem(c), g).entityNames(type, p);
        EmbeddingTable table = new CheckpointStore(ckpt.getFileSystem(c), ckpt).table(version, type, p);
        if (names.size() != table.rows()) {
            throw new IOException("entity type '" + type + "' partition " + p + ": the dictionary in " + graphDir + " has "
                    + names.size() + " names but checkpoint version " + version + " has " + table.rows()
                    + " rows: the checkpoint was trained on another import");
        }
        return new Partition(type, p, names, table);
    }
}
