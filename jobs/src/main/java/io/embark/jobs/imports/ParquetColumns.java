package io.embark.jobs.imports;

import io.embark.jobs.config.DataConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;

/**
 * The columns a Parquet input must have ({@code data.columns.*}) and their types, checked on the schema before any
 * row is read. Entity and relation columns must be strings (or binary, or an integer type: ids); the weight column a
 * number. Otherwise Spark's cast of the first bad value fails the job with neither file nor column named
 * ({@code CAST_INVALID_INPUT}); here a wrong type is one line naming the file, the column, its key and both types, e.g.
 * {@code in.parquet/part-0.parquet: column 'wt' (data.columns.weight) is string (expected a number: int, long, float,
 * double or decimal)}.
 *
 * <p>Spark takes the schema from one file; when it is wrong, each file's own schema is read until the first file
 * with that type is found (only on this error path). A later file whose type differs from that one fails Spark's
 * read with file and column in its error parameters, and {@link #typeMismatch} turns that into one such line.
 */
final class ParquetColumns {

    private static final String NAME_TYPES = "a string, binary or integer type";
    private static final String WEIGHT_TYPES = "a number: int, long, float, double or decimal";

    private ParquetColumns() {
    }

    static void check(SparkSession spark, DataConfig data, List<String> files, StructType schema) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("data.columns.lhs", data.lhsColumn());
        data.relationColumn().ifPresent(c -> keys.put("data.columns.relation", c));
        keys.put("data.columns.rhs", data.rhsColumn());
        data.weightColumn().ifPresent(c -> keys.put("data.columns.weight", c));
        List<String> have = List.of(schema.fieldNames());
        for (String c : keys.values()) {
            if (!have.contains(c)) {
                throw new BadInputException(files + ": no column '" + c + "' (columns: " + have + "; set data.columns.*)");
            }
        }
        for (Map.Entry<String, String> k : keys.entrySet()) {
            boolean weight = k.getKey().equals("data.columns.weight");
            String column = k.getValue();
            DataType type = schema.apply(column).dataType();
            if (!fits(type, weight)) {
                throw new BadInputException(firstFileWith(spark, files, column, weight) + ": column '" + column + "' ("
                        + k.getKey() + ") is " + type.simpleString() + " (expected " + (weight ? WEIGHT_TYPES : NAME_TYPES) + ")");
            }
        }
    }

    private static boolean fits(DataType type, boolean weight) {
        if (weight) {
            return type instanceof NumericType;
        }
        return type instanceof StringType || type instanceof BinaryType || type.equals(DataTypes.LongType)
                || type.equals(DataTypes.IntegerType) || type.equals(DataTypes.ShortType) || type.equals(DataTypes.ByteType);
    }

    /**
     * A Parquet file whose column type differs from the file Spark took the schema from, as one line naming the file
     * and column, when {@code failure} (from anywhere in a job's cause chain) is Spark's
     * {@code FAILED_READ_FILE.PARQUET_COLUMN_DATA_TYPE_MISMATCH}; null otherwise.
     */
    static BadInputException typeMismatch(Throwable failure) {
        for (Throwable c = failure; c != null; c = c.getCause()) {
            if (c instanceof SparkThrowable st && "FAILED_READ_FILE.PARQUET_COLUMN_DATA_TYPE_MISMATCH".equals(st.getCondition())) {
                Map<String, String> p = st.getMessageParameters();
                String column = p.getOrDefault("column", "?").replaceAll("^\\[|\\]$", "");
                return new BadInputException(p.get("path") + ": column '" + column + "' is " + p.get("actualType")
                        + " in this file but " + p.get("expectedType") + " in the file the schema was read from"
                        + " (expected the same column types in every input file)");
            }
        }
        return null;
    }

    /** The first of {@code files} whose own schema gives {@code column} a type that does not fit; else all of them. */
    private static String firstFileWith(SparkSession spark, List<String> files, String column, boolean weight) {
        for (String f : files) {
            StructType own = spark.read().parquet(f).schema();
            if (List.of(own.fieldNames()).contains(column) && !fits(own.apply(column).dataType(), weight)) {
                return f;
            }
        }
        return files.toString();
    }
}
