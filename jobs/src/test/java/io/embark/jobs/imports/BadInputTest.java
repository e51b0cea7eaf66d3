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
        assertTrue(e.getMessage().contains("in.tsv:2: unparsable weight 'heavy' in field 3 (expected a finite number)"), e.getMessage());
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
}
