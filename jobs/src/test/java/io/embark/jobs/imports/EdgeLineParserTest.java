package io.embark.jobs.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.embark.jobs.config.ConfigLoader;
import io.embark.jobs.config.DataConfig;
import io.embark.jobs.config.JobConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class EdgeLineParserTest {

    private static EdgeLineParser parser(String... sets) {
        JobConfig job = JobConfig.read(ConfigLoader.fromText("data.train = x", "t", List.of(sets)));
        DataConfig d = job.requireData("test");
        return new EdgeLineParser(d);
    }

    @Test
    void csv_fields_may_be_quoted_with_doubled_quotes_inside() throws Exception {
        EdgeLineParser p = parser("data.format=csv", "data.columns.weight=3");
        EdgeLineParser.Fields f = p.parse("\"Smith, John\",knows,\"say \"\"hi\"\"\",0.5");
        assertEquals("Smith, John", f.lhs());
        assertEquals("knows", f.relation());
        assertEquals("say \"hi\"", f.rhs());
        assertEquals(0.5f, f.weight());
        EdgeLineParser.LineProblem e = assertThrows(EdgeLineParser.LineProblem.class, () -> p.parse("\"open,knows,b,1"));
        assertEquals("unterminated quoted field (expected a closing '\"')", e.getMessage());
    }

    /** EdgeWeight's range on the 32-bit float the text parses to: (0, 1e6]; 1e-50 underflows to 0. */
    @Test
    void weights_must_be_finite_positive_and_at_most_1e6() throws Exception {
        EdgeLineParser p = parser("data.columns.weight=3");
        assertEquals(1e6f, p.parse("a\tr\tb\t1e6").weight());
        assertEquals(1e-6f, p.parse("a\tr\tb\t0.000001").weight());
        for (String[] bad : new String[][] {{"1000001", "is above 1e6"}, {"-0", "is not > 0"}, {"1e-50", "is not > 0"},
                {"-1", "is not > 0"}, {"Infinity", "is not finite"}, {"1e39", "is not finite"}}) {
            assertEquals("weight '" + bad[0] + "' in field 3 " + bad[1] + " (expected a number > 0 and <= 1e6)",
                    assertThrows(EdgeLineParser.LineProblem.class, () -> p.parse("a\tr\tb\t" + bad[0])).getMessage());
        }
    }

    @Test
    void columns_can_be_reordered_and_the_relation_left_out() throws Exception {
        EdgeLineParser p = parser("data.columns.relation=none", "data.columns.lhs=2", "data.columns.rhs=0", "data.columnCount=3");
        EdgeLineParser.Fields f = p.parse("dst\tignored\tsrc");
        assertEquals("src", f.lhs());
        assertEquals("dst", f.rhs());
        assertEquals(null, f.relation());
        assertEquals("expected 3 fields separated by TAB, found 4",
                assertThrows(EdgeLineParser.LineProblem.class, () -> p.parse("a\tb\tc\td")).getMessage());
        assertEquals("empty rhs entity in field 0",
                assertThrows(EdgeLineParser.LineProblem.class, () -> p.parse("\tb\tc")).getMessage());
    }
}
