package io.embark.embedding.train;

import io.embark.embedding.config.ModelConfig;
import io.embark.partitioning.Bucket;
import io.embark.partitioning.ImportManifest;
import io.embark.partitioning.TableKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The imported graph's shape as the trainer needs it: entity types with their partition sizes and dimensions, and
 * each relation's sides, with the relations grouped by their (lhs type, rhs type) pair, because one chunk's candidates
 * must come from one table.
 */
public final class TrainingSchema {

    /** An entity type's partitions and dimension. */
    public record TypeInfo(String name, int partitions, long[] partitionCounts, int dim) {
    }

    private final Map<String, TypeInfo> types = new LinkedHashMap<>();
    private final List<String> relationNames = new ArrayList<>();
    private final int[] lhsType;
    private final int[] rhsType;
    private final List<String> typeNames = new ArrayList<>();
    private final int[] relationDims;
    private final int lhsPartitions;
    private final int rhsPartitions;
    private final String importedAt;

    public TrainingSchema(ImportManifest manifest, ModelConfig model) {
        importedAt = manifest.createdAt();
        for (ImportManifest.EntityTypeInfo t : manifest.entityTypes()) {
            types.put(t.name(), new TypeInfo(t.name(), t.partitions(), t.partitionCounts(), model.dimension(t.name())));
            typeNames.add(t.name());
        }
        List<ImportManifest.RelationInfo> rels = new ArrayList<>(manifest.relations());
        rels.sort(java.util.Comparator.comparingInt(ImportManifest.RelationInfo::id));
        lhsType = new int[rels.size()];
        rhsType = new int[rels.size()];
        relationDims = new int[rels.size()];
        for (int i = 0; i < rels.size(); i++) {
            ImportManifest.RelationInfo r = rels.get(i);
            if (r.id() != i) {
                throw new IllegalArgumentException("dataset relations are not numbered 0.." + (rels.size() - 1) + ": found id " + r.id());
            }
            relationNames.add(r.name());
            lhsType[i] = typeIndex(r.lhsType());
            rhsType[i] = typeIndex(r.rhsType());
            int dl = types.get(r.lhsType()).dim();
            int dr = types.get(r.rhsType()).dim();
            if (dl != dr) {
                throw new IllegalArgumentException("relation '" + r.name() + "' joins entity types '" + r.lhsType() + "' (dimension " + dl
                        + ") and '" + r.rhsType() + "' (dimension " + dr + "): model.typeDimensions must give both sides one dimension");
            }
            relationDims[i] = dl;
        }
        lhsPartitions = manifest.lhsPartitions();
        rhsPartitions = manifest.rhsPartitions();
    }

    private int typeIndex(String name) {
        int i = typeNames.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("relation side uses entity type '" + name + "', which the dataset does not declare");
        }
        return i;
    }

    public List<String> relationNames() {
        return relationNames;
    }

    public int[] relationDims() {
        return relationDims.clone();
    }

    public TypeInfo type(int index) {
        return types.get(typeNames.get(index));
    }

    public TypeInfo type(String name) {
        return types.get(name);
    }

    public int typeCount() {
        return typeNames.size();
    }

    public int lhsType(int relation) {
        return lhsType[relation];
    }

    public int rhsType(int relation) {
        return rhsType[relation];
    }

    public int lhsPartitions() {
        return lhsPartitions;
    }

    public int rhsPartitions() {
        return rhsPartitions;
    }

    /** The partition of {@code type} that bucket side partition {@code p} means (0 for an unpartitioned type). */
    public int partitionOf(int type, int p) {
        return type(type).partitions() == 1 ? 0 : p;
    }

    public int rows(int type, int partition) {
        return Math.toIntExact(type(type).partitionCounts()[partition]);
    }

    public int maxDim() {
        int d = 1;
        for (TypeInfo t : types.values()) {
            d = Math.max(d, t.dim());
        }
        return d;
    }

    public int maxRows() {
        long m = 1;
        for (TypeInfo t : types.values()) {
            for (long c : t.partitionCounts()) {
                m = Math.max(m, c);
            }
        }
        return Math.toIntExact(m);
    }

    /** The (type, partition) tables that training {@code bucket} touches. */
    public Set<TableKey> tablesOf(Bucket bucket) {
        Set<TableKey> keys = new LinkedHashSet<>();
        for (int r = 0; r < lhsType.length; r++) {
            keys.add(key(lhsType[r], partitionOf(lhsType[r], bucket.lhsPartition())));
            keys.add(key(rhsType[r], partitionOf(rhsType[r], bucket.rhsPartition())));
        }
        return keys;
    }

    /** Every (type, partition) table of the model. */
    public Set<TableKey> allTables() {
        Set<TableKey> keys = new LinkedHashSet<>();
        for (int t = 0; t < typeNames.size(); t++) {
            for (int p = 0; p < type(t).partitions(); p++) {
                keys.add(key(t, p));
            }
        }
        return keys;
    }

    public TableKey key(int type, int partition) {
        return new TableKey(typeNames.get(type), partition);
    }

    /**
     * The dataset's shape, compared on resume with the checkpoint's, and which import it is: a re-import (even of the
     * same files) writes new dictionaries, so rows of an older import's checkpoint may name other entities.
     */
    public Map<String, String> compatibilityKeys() {
        Map<String, String> m = new TreeMap<>();
        if (importedAt != null) {
            m.put("dataset.importedAt", importedAt);
        }
        for (TypeInfo t : types.values()) {
            m.put("dataset.entities." + t.name() + ".partitions", Integer.toString(t.partitions()));
            long n = 0;
            for (long c : t.partitionCounts()) {
                n += c;
            }
            m.put("dataset.entities." + t.name() + ".count", Long.toString(n));
        }
        m.put("dataset.relations", Integer.toString(relationNames.size()));
        return m;
    }
}
