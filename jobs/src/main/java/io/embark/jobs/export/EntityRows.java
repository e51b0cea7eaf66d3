package io.embark.jobs.export;

import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

/**
 * The Parquet rows of one (entity type, partition): {@code entity_type, name, partition, offset, vector}, produced
 * lazily from the partition's table; each row produced is added to a counter for the driver's progress line.
 */
final class EntityRows implements FlatMapFunction<int[], Row> {

    private static final long serialVersionUID = 1L;

    static final StructType SCHEMA = new StructType()
            .add("entity_type", DataTypes.StringType, false)
            .add("name", DataTypes.StringType, false)
            .add("partition", DataTypes.IntegerType, false)
            .add("offset", DataTypes.IntegerType, false)
            .add("vector", DataTypes.createArrayType(DataTypes.FloatType, false), false);

    private final PartitionSource source;
    private final LongAccumulator rows;

    EntityRows(PartitionSource source, LongAccumulator rows) {
        this.source = source;
        this.rows = rows;
    }

    @Override
    public Iterator<Row> call(int[] key) throws Exception {
        PartitionSource.Partition p = source.load(key);
        return new Iterator<>() {
            private int j;

            @Override
            public boolean hasNext() {
                return j < p.names().size();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Row r = RowFactory.create(p.type(), p.names().get(j), p.partition(), j, p.table().row(j));
                j++;
                rows.add(1);
                return r;
            }
        };
    }
}
