package io.embark.jobs.config;

import java.util.List;
import java.util.Optional;

/**
 * Section {@code data}: where the edge lists are and how to read them.
 *
 * @param train        files, directories or globs of training edges (required)
 * @param valid        validation edges (optional)
 * @param test         test edges (optional)
 * @param format       tsv, csv or parquet
 * @param delimiter    field separator for text formats
 * @param header       whether each text file starts with a header line to skip
 * @param lhsColumn    column of the lhs entity: a 0-based index for text, a name for parquet
 * @param relationColumn column of the relation type; empty when the graph has one relation ({@code relationName})
 * @param rhsColumn    column of the rhs entity
 * @param weightColumn column of the edge weight, if any
 * @param columnCount  fields every text line must have
 * @param relationName the relation type of every edge when there is no relation column
 * @param onBadLine    fail or skip
 * @param badLineSample how many bad lines to keep as a sample in the report
 */
public record DataConfig(
        List<String> train,
        List<String> valid,
        List<String> test,
        InputFormat format,
        String delimiter,
        boolean header,
        String lhsColumn,
        Optional<String> relationColumn,
        String rhsColumn,
        Optional<String> weightColumn,
        int columnCount,
        String relationName,
        BadLinePolicy onBadLine,
        int badLineSample) implements java.io.Serializable {

    /** Reads the section; empty when {@code data.train} is not set (a config that only generates). */
    static Optional<DataConfig> read(ConfigReader c) {
        List<String> train = c.pathList("data.train");
        InputFormat format = c.choice("data.format", InputFormat.class, InputFormat.TSV);
        String delimiter = c.string("data.delimiter", format == InputFormat.CSV ? "," : "\t");
        if (delimiter.isEmpty()) {
            throw new ConfigException("data.delimiter: empty (expected a separator such as \"\\t\" or \",\")");
        }
        boolean text = format != InputFormat.PARQUET;
        String lhs = c.string("data.columns.lhs", text ? "0" : "lhs");
        String relDefault = text ? "1" : "relation";
        Optional<String> rel = Optional.of(c.string("data.columns.relation", relDefault)).filter(s -> !s.equals("none"));
        String rhs = c.string("data.columns.rhs", text ? (rel.isPresent() ? "2" : "1") : "rhs");
        Optional<String> weight = c.optionalString("data.columns.weight").filter(s -> !s.equals("none"));
        int maxIndex = -1;
        if (text) {
            maxIndex = Math.max(index(c, "data.columns.lhs", lhs), index(c, "data.columns.rhs", rhs));
            if (rel.isPresent()) {
                maxIndex = Math.max(maxIndex, index(c, "data.columns.relation", rel.get()));
            }
            if (weight.isPresent()) {
                maxIndex = Math.max(maxIndex, index(c, "data.columns.weight", weight.get()));
            }
        }
        int columnCount = c.integer("data.columnCount", maxIndex + 1, Math.max(1, maxIndex + 1), 10_000);
        DataConfig d = new DataConfig(train, c.pathList("data.valid"), c.pathList("data.test"), format, delimiter,
                c.bool("data.header", false), lhs, rel, rhs, weight, columnCount,
                c.string("data.relationName", "edge"),
                c.choice("data.onBadLine", BadLinePolicy.class, BadLinePolicy.FAIL),
                c.integer("data.badLineSample", 5, 0, 1000));
        return train.isEmpty() ? Optional.empty() : Optional.of(d);
    }

    private static int index(ConfigReader c, String key, String value) {
        try {
            int i = Integer.parseInt(value.trim());
            if (i >= 0) {
                return i;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ConfigException(key + ": '" + value + "' (expected a 0-based column index for text input)");
    }

    public int index(String column) {
        return Integer.parseInt(column.trim());
    }
}
