package io.embark.jobs.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embark.partitioning.ImportManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(300)
class BadInputTest {

    @TempDir
    Path dir;

    private String conf(String extra) {
        return """
                workspace = "%s"
                data { train = "%s", columns.weight = 3 }
                graph.relations { dynamic = false, types { likes.lhs = entity, knows.lhs = entity } }
                %s
                """.formatted(dir.resolve("ws"), dir.resolve("in.tsv"), extra);
    }

    private BadInputException failWith(List<String> lines) throws Exception {
        Files.write(dir.resolve("in.tsv"), lines);
        BadInputException e = assertThrows(BadInputException.class,
                () -> ImportJob.run(SparkTestSupport.spark(), SparkTestSupport.config(conf(""))));
        assertFalse(Files.exists(dir.resolve("ws/graph")), "a failed import leaves no dataset");
        try (var s = Files.list(dir.resolve("ws"))) {
            assertEquals(0, s.count(), "and no temporary directory");
        }
        return e;
    }

    @Test
    void wrong_column_count_names_file_line_and_expectation() throws Exception {
        BadInputException e = failWith(List.of("a\tlikes\tb\t1", "b\tknows\tc\t2", "c\tlikes", "d\tknows\te\t1"));
        assertTrue(e.getMessage().matches(".*in\\.tsv:3: expected 4 fields separated by TAB, found 2 in line 'c\tlikes'.*"), e.getMessage());
    }

    @Test
    void unparsable_weight() throws Exception {
        BadInputException e = failWith(List.of("a\tlikes\tb\t1", "a\tknows\tb\theavy"));
        assertTrue(e.getMessage().contains("in.tsv:2: unparsable weight 'heavy' in field 3 (expected a number > 0 and <= 1e6)"), e.getMessage());
    }

    /** A weight must be finite, > 0 and at most 1e6 (EdgeWeight): each other kind is refused with file and line. */
    @ParameterizedTest(name = "weight {0}")
    @CsvSource(delimiter = '|', value = {"-1|is not > 0", "0|is not > 0", "1e30|is above 1e6", "NaN|is not finite", "-Infinity|is not finite"})
    void absurd_weights_are_refused_with_file_and_line(String weight, String problem) throws Exception {
        BadInputException e = failWith(List.of("a\tlikes\tb\t1", "b\tknows\tc\t1e6", "c\tlikes\ta\t" + weight));
        assertTrue(e.getMessage().contains("in.tsv:3: weight '" + weight + "' in field 3 " + problem + " (expected a number > 0 and <= 1e6)"),
                e.getMessage());
    }

    @Test
    void absurd_weights_are_skipped_and_counted() throws Exception {
        Files.write(dir.resolve("in.tsv"), List.of("a\tlikes\tb\t1", "b\tlikes\tc\t-1", "c\tknows\ta\t0", "a\tknows\tc\t1e30",
                "c\tlikes\tb\t0.001", "b\tknows\ta\tNaN"));
        ImportManifest m = ImportJob.run(SparkTestSupport.spark(), SparkTestSupport.config(conf("data.onBadLine = skip")));
        assertEquals(2, m.split("train").edges());
        assertEquals(4, m.split("train").badLinesSkipped());
        List<String> sample = m.split("train").badLineSample().stream().map(ImportManifest.BadLine::toString).sorted().toList();
        assertEquals(4, sample.size(), sample.toString());
        assertTrue(sample.get(0).contains("in.tsv:2: weight '-1' in field 3 is not > 0"), sample.toString());
        assertTrue(sample.get(1).contains("in.tsv:3: weight '0' in field 3 is not > 0"), sample.toString());
        assertTrue(sample.get(2).contains("in.tsv:4: weight '1e30' in field 3 is above 1e6"), sample.toString());
        assertTrue(sample.get(3).contains("in.tsv:6: weight 'NaN' in field 3 is not finite"), sample.toString());
    }

    @Test
    void unknown_relation_lists_the_declared_ones() throws Exception {
        BadInputException e = failWith(List.of("a\tlikes\tb\t1", "a\tlikes\tb\t1", "x\thates\ty\t1"));
        assertTrue(e.getMessage().contains("in.tsv:3: unknown relation 'hates' (expected one of: knows, likes)"), e.getMessage());
    }

    @Test
    void empty_input_is_an_error() throws Exception {
        BadInputException e = failWith(List.of("", "  "));
        assertTrue(e.getMessage().contains("data.train: no usable edges in") && e.getMessage().contains("in.tsv"), e.getMessage());
    }

    @Test
    void missing_input_names_the_key() throws Exception {
        BadInputException e = assertThrows(BadInputException.class,
                () -> ImportJob.run(SparkTestSupport.spark(), SparkTestSupport.config(conf(""))));
        assertTrue(e.getMessage().startsWith("data.train: ") && e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void skip_mode_reports_count_and_sample_with_line_numbers() throws Exception {
        Files.write(dir.resolve("in.tsv"), List.of("a\tlikes\tb\t1", "oops", "b\tknows\tc\tNaN", "c\tlikes\ta\t2"));
        ImportManifest m = ImportJob.run(SparkTestSupport.spark(), SparkTestSupport.config(conf("data.onBadLine = skip")));
        ImportManifest.SplitInfo train = m.split("train");
        assertEquals(2, train.edges());
        assertEquals(2, train.badLinesSkipped());
        assertEquals(2, train.badLineSample().size());
        List<String> sample = train.badLineSample().stream().map(ImportManifest.BadLine::toString).sorted().toList();
        assertTrue(sample.get(0).contains("in.tsv:2: expected 4 fields separated by TAB, found 1 in line 'oops'"), sample.toString());
        assertTrue(sample.get(1).contains("in.tsv:3: weight 'NaN' in field 3 is not finite"), sample.toString());
    }

    /**
     * Parquet rows: a null column, weights that are NaN, -1, 0, 1e30 or null, and an unknown relation, each refused by
     * file and column or skipped and counted.
     */
    @Test
    void parquet_rows_with_nulls_bad_weights_or_unknown_relations_are_refused_or_skipped_by_name() throws Exception {
        var spark = SparkTestSupport.spark();
        var schema = new org.apache.spark.sql.types.StructType()
                .add("src", org.apache.spark.sql.types.DataTypes.StringType, true)
                .add("rel", org.apache.spark.sql.types.DataTypes.StringType, true)
                .add("dst", org.apache.spark.sql.types.DataTypes.StringType, true)
                .add("wt", org.apache.spark.sql.types.DataTypes.DoubleType, true);
        List<org.apache.spark.sql.Row> rows = List.of(
                org.apache.spark.sql.RowFactory.create("a", "likes", "b", 1.0),
                org.apache.spark.sql.RowFactory.create("b", "knows", "c", 2.0),
                org.apache.spark.sql.RowFactory.create(null, "likes", "c", 1.0),
                org.apache.spark.sql.RowFactory.create("c", "likes", "a", Double.NaN),
                org.apache.spark.sql.RowFactory.create("c", "hates", "a", 1.0),
                org.apache.spark.sql.RowFactory.create("a", "likes", "c", -1.0),
                org.apache.spark.sql.RowFactory.create("a", "knows", "c", 0.0),
                org.apache.spark.sql.RowFactory.create("b", "likes", "a", 1e30),
                org.apache.spark.sql.RowFactory.create("b", "likes", "c", null));
        Path in = dir.resolve("in.parquet");
        spark.createDataFrame(rows, schema).coalesce(1).write().parquet(in.toString());
        String parquet = """
                data { train = "%s", format = parquet, columns { lhs = src, relation = rel, rhs = dst, weight = wt } }
                """.formatted(in);
        BadInputException e = assertThrows(BadInputException.class,
                () -> ImportJob.run(spark, SparkTestSupport.config(conf(parquet))));
        assertTrue(e.getMessage().contains("in.parquet") && e.getMessage().contains("data.onBadLine = skip")
                && e.getMessage().matches("(?s).*(null lhs in column 'src'|weight \\S+ in column 'wt' is|null weight in column 'wt'"
                    + "|unknown relation 'hates' \\(expected one of: knows, likes\\)).*"), e.getMessage());

        ImportManifest m = ImportJob.run(spark, SparkTestSupport.config(conf(parquet + "data.onBadLine = skip\ndata.badLineSample = 10")));
        assertEquals(9, m.split("train").linesRead());
        assertEquals(2, m.split("train").edges());
        assertEquals(7, m.split("train").badLinesSkipped());
        List<String> reasons = m.split("train").badLineSample().stream().map(ImportManifest.BadLine::reason).sorted().toList();
        assertEquals(List.of("null lhs in column 'src'", "null weight in column 'wt' (expected a number > 0 and <= 1e6)",
                "unknown relation 'hates' (expected one of: knows, likes)",
                "weight -1.0 in column 'wt' is not > 0 (expected a number > 0 and <= 1e6)",
                "weight 0.0 in column 'wt' is not > 0 (expected a number > 0 and <= 1e6)",
                "weight 1.0E30 in column 'wt' is above 1e6 (expected a number > 0 and <= 1e6)",
                "weight NaN in column 'wt' is not finite (expected a number > 0 and <= 1e6)"), reasons);
        assertTrue(m.split("train").badLineSample().stream().allMatch(b -> b.file().contains("in.parquet") && b.text() != null),
                m.split("train").badLineSample().toString());
    }

    /**
     * A Parquet column of the wrong type (weights stored as strings, an entity column of arrays) is refused before any
     * row is read, naming the file, the column, its key and both types, instead of Spark's CAST_INVALID_INPUT without
     * either.
     */
    @Test
    void parquet_column_of_the_wrong_type_names_file_and_column() throws Exception {
        var spark = SparkTestSupport.spark();
        Path strings = dir.resolve("strings.parquet");
        spark.sql("SELECT 'a' AS src, 'likes' AS rel, 'b' AS dst, 'heavy' AS wt").coalesce(1).write().parquet(strings.toString());
        BadInputException e = parquetImportFails(strings);
        assertTrue(e.getMessage().matches(".*strings\\.parquet/part-[^ ]*\\.parquet: column 'wt' \\(data\\.columns\\.weight\\) is string "
                + "\\(expected a number: int, long, float, double or decimal\\)"), e.getMessage());

        Path arrays = dir.resolve("arrays.parquet");
        spark.sql("SELECT array('a') AS src, 'likes' AS rel, 'b' AS dst, 1.0 AS wt").coalesce(1).write().parquet(arrays.toString());
        e = parquetImportFails(arrays);
        assertTrue(e.getMessage().matches(".*arrays\\.parquet/part-[^ ]*\\.parquet: column 'src' \\(data\\.columns\\.lhs\\) is array<string> "
                + "\\(expected a string, binary or integer type\\)"), e.getMessage());
    }

    /** Two files: Spark takes the schema from the first, and the second's own type differs: one line too. */
    @Test
    void parquet_files_of_differing_column_types_name_file_and_column() throws Exception {
        var spark = SparkTestSupport.spark();
        Path mixed = dir.resolve("mixed");
        spark.sql("SELECT 'a' AS src, 'likes' AS rel, 'b' AS dst, 1.0D AS wt").coalesce(1).write().parquet(mixed.resolve("part=0").toString());
        spark.sql("SELECT 'b' AS src, 'likes' AS rel, 'c' AS dst, 'heavy' AS wt").coalesce(1).write().parquet(mixed.resolve("part=1").toString());
        BadInputException e = parquetImportFails(mixed);
        assertTrue(e.getMessage().matches(".*mixed/part=1/part-[^ ]*\\.parquet: column 'wt' is BINARY in this file but double in the file "
                + "the schema was read from \\(expected the same column types in every input file\\)"), e.getMessage());
    }

    /** Imports Parquet input {@code in} (columns src, rel, dst, wt) and returns the BadInputException it must end in. */
    private BadInputException parquetImportFails(Path in) {
        String parquet = "data { train = \"%s\", format = parquet, columns { lhs = src, relation = rel, rhs = dst, weight = wt } }".formatted(in);
        return assertThrows(BadInputException.class, () -> ImportJob.run(SparkTestSupport.spark(), SparkTestSupport.config(conf(parquet))));
    }

    /**
     * More input files than spark.sql.sources.parallelPartitionDiscovery.threshold (32): Spark lists them with a job of
     * its own, whose classes Kryo must know (a 1B-edge import of 100 Parquet files failed on an unregistered Path[]).
     */
    @Test
    void parquet_input_of_many_files_is_listed_and_imported() throws Exception {
        var spark = SparkTestSupport.spark();
        Path in = dir.resolve("many");
        for (int f = 0; f < 40; f++) {
            spark.sql("SELECT concat('n', id) AS src, 'likes' AS rel, concat('n', (id * 7 + " + f + ") % 50) AS dst FROM range(" + (f * 5)
                    + ", " + (f * 5 + 5) + ")").coalesce(1).write().parquet(in.resolve("part=" + f).toString());
        }
        String conf = """
                workspace = "%s"
                data { train = "%s", format = parquet, columns { lhs = src, relation = rel, rhs = dst } }
                graph.relations { dynamic = true, lhs = entity, rhs = entity }
                """.formatted(dir.resolve("ws-many"), in);
        ImportManifest m = ImportJob.run(spark, SparkTestSupport.config(conf));
        assertEquals(200, m.split("train").edges());
    }
}
