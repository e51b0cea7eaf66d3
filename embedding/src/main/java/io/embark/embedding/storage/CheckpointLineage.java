package io.embark.embedding.storage;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * Where a warm-started run's model came from ({@code training.init}), recorded in every version's
 * {@code checkpoint.json} from the first on: the dataset it trains and the base dataset that one extends, the init
 * checkpoint version and the dataset that trained it, and what that checkpoint knew. Rows below an init table's row
 * count, and the relations it names, are the "existing" ones that {@code training.freeze = existing} keeps fixed: an
 * import against a base keeps every base entity's (partition, offset) and appends new ones after them.
 *
 * @param dataset           the dataset trained (its directory)
 * @param datasetImportedAt that dataset's manifest {@code createdAt}
 * @param baseDataset       the dataset it extends (its lineage's base), null for a fresh import
 * @param initCheckpoint    the version directory the run started from
 * @param initImportedAt    the {@code createdAt} of the dataset the init checkpoint was trained on
 * @param initTables        the init checkpoint's tables: (type, partition, rows, dim)
 * @param initRelations     the init checkpoint's relation names, in id order
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CheckpointLineage(String dataset, String datasetImportedAt, String baseDataset, String initCheckpoint,
                                String initImportedAt, List<CheckpointInfo.TablePartition> initTables,
                                List<String> initRelations) {

    /** The rows of table (type, partition) that the init checkpoint trained (0 for a table it did not have). */
    public int knownRows(String type, int partition) {
        for (CheckpointInfo.TablePartition t : initTables) {
            if (t.entityType().equals(type) && t.partition() == partition) {
                return t.rows();
            }
        }
        return 0;
    }
}
