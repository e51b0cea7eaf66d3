package io.embark.jobs.api;

import io.embark.jobs.imports.EdgeWeight;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Which columns of a DataFrame of edges hold what: the lhs entity ({@code src}), the rhs entity ({@code dst}), the
 * relation (optional: without it every edge has relation {@code data.relationName}) and the weight (optional). The
 * defaults read a GraphFrames-style edge DataFrame; a relation or weight column is used when the DataFrame has one.
 *
 * <p>{@link #check} refuses, before anything is written, a DataFrame that lacks a named column, and one with a row
 * whose entity or relation is null or whose weight is not a number {@code > 0} and {@code <= 1e6}, naming the column
 * and the first such row (one Spark job, which collects at most that row).
 */
record EdgeColumns(String src, String dst, Optional<String> relation, Optional<String> weight) implements Serializable {

    /** The canonical columns of the edges written for import ({@link #canonical}). */
    static final String LHS = "lhs";
    static final String RELATION = "relation";
    static final String RHS = "rhs";
    static final String WEIGHT = "weight";

    /** The columns as the estimator was set, resolved against {@code edges}: optional ones kept when it has them. */
    static EdgeColumns resolve(Dataset<Row> edges, String src, String dst, String relation, boolean relationSet,
                               String weight, boolean weightSet) {
        List<String> have = Arrays.asList(edges.columns());
        for (String[] c : new String[][] {{"srcCol", src}, {"dstCol", dst}}) {
            requireColumn(have, c[0], c[1]);
        }
        if (relationSet) {
            requireColumn(have, "relationCol", relation);
        }
        if (weightSet) {
            requireColumn(have, "weightCol", weight);
        }
        return new EdgeColumns(src, dst, Optional.of(relation).filter(have::contains), Optional.of(weight).filter(have::contains));
    }

    private static void requireColumn(List<String> have, String param, String column) {
        if (!have.contains(column)) {
            throw new IllegalArgumentException(param + ": the edges have no column '" + column + "' (they have " + have + ")");
        }
    }

    /** Refuses the first row with a null entity or relation, or a weight that is not a number {@code > 0} and {@code <= 1e6}. */
    void check(Dataset<Row> edges) {
        List<Column> problems = new ArrayList<>();
        for (String c : entityColumns()) {
            problems.add(functions.when(functions.col(c).isNull(), functions.lit(c + ": null")));
        }
        weight.ifPresent(w -> {
            Column value = functions.col(w).cast("float");
            problems.add(functions.when(functions.col(w).isNull(), functions.lit(w + ": null"))
                    .otherwise(functions.concat(functions.lit(w + ": "), functions.col(w).cast("string"), functions.lit(" "),
                            EdgeWeight.problem(value))));
        });
        Column problem = functions.coalesce(problems.toArray(Column[]::new));
        List<Row> bad = edges.select(functions.struct(functions.col("*")).as("row"), problem.as("problem"))
                .where(functions.col("problem").isNotNull()).limit(1).collectAsList();
        if (!bad.isEmpty()) {
            Row row = bad.get(0).getStruct(0);
            throw new IllegalArgumentException("edges: column " + bad.get(0).getString(1)
                    + (bad.get(0).getString(1).endsWith("null") ? "" : " (" + EdgeWeight.EXPECTED + ")") + " in row " + describe(row));
        }
    }

    private List<String> entityColumns() {
        List<String> out = new ArrayList<>(List.of(src, dst));
        relation.ifPresent(out::add);
        return out;
    }

    private static String describe(Row row) {
        StringBuilder sb = new StringBuilder("{");
        String[] names = row.schema().fieldNames();
        for (int i = 0; i < names.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(names[i]).append('=').append(row.isNullAt(i) ? "null" : row.get(i));
        }
        return sb.append('}').toString();
    }

    /** The edges as import reads them: string entities and relation, a float weight, under the canonical names. */
    Dataset<Row> canonical(Dataset<Row> edges) {
        List<Column> cols = new ArrayList<>();
        cols.add(functions.col(src).cast("string").as(LHS));
        relation.ifPresent(r -> cols.add(functions.col(r).cast("string").as(RELATION)));
        cols.add(functions.col(dst).cast("string").as(RHS));
        weight.ifPresent(w -> cols.add(functions.col(w).cast("float").as(WEIGHT)));
        return edges.select(cols.toArray(Column[]::new));
    }

    /** The import settings that read {@link #canonical} Parquet. */
    List<String> importSettings() {
        return List.of("data.format=parquet", "data.columns.lhs=" + LHS, "data.columns.rhs=" + RHS,
                "data.columns.relation=" + (relation.isPresent() ? RELATION : "none"),
                "data.columns.weight=" + (weight.isPresent() ? WEIGHT : "none"));
    }
}
