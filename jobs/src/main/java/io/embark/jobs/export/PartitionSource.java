package io.embark.jobs.export;

import io.embark.embedding.storage.EmbeddingTable;
import io.embark.jobs.eval.TaskInputs;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

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

    private final TaskInputs inputs;
    private final String[] types;

    PartitionSource(TaskInputs inputs, String[] types) {
        this.inputs = inputs;
        this.types = types.clone();
    }

    Configuration hadoopConf() {
        return inputs.hadoopConf();
    }

    Partition load(int[] key) throws IOException {
        String type = types[key[0]];
        int p = key[1];
        List<String> names = inputs.graph().entityNames(type, p);
        EmbeddingTable table = inputs.store().tableForLookups(inputs.version(), type, p);
        if (names.size() != table.rows()) {
            throw new IOException("entity type '" + type + "' partition " + p + ": the dictionary has "
                    + names.size() + " names but checkpoint version " + inputs.version() + " has " + table.rows()
                    + " rows: the checkpoint was trained on another import");
        }
        return new Partition(type, p, names, table);
    }
}
