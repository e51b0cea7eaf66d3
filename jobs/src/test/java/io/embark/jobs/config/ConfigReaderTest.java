package io.embark.jobs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigReaderTest {

    private static final String TEXT = """
            # a comment
            workspace = "work/x"   // trailing comment
            data {
              train = [ "a.tsv", b.tsv ]
              delimiter = "\\t", header: false
              columns { lhs = 0, relation = 1, rhs = 2 }
            }
            graph.entities.user.partitions = 4
            graph.relations { dynamic = true, lhs = user, rhs = user }
            """;

    @Test
    void parses_blocks_dotted_keys_lists_and_quotes() {
        Map<String, Object> m = ConfigParser.parse(TEXT, "t.conf");
        assertEquals("work/x", m.get("workspace"));
        assertEquals(List.of("a.tsv", "b.tsv"), m.get("data.train"));
        assertEquals("\t", m.get("data.delimiter"));
        assertEquals("false", m.get("data.header"));
        assertEquals("2", m.get("data.columns.rhs"));
        assertEquals("4", m.get("graph.entities.user.partitions"));
        assertEquals("user", m.get("graph.relations.rhs"));
    }

    @Test
    void a_uri_in_a_bare_value_keeps_its_slashes_and_a_comment_after_it_is_still_one() {
        Map<String, Object> m = ConfigParser.parse("""
                workspace = hdfs://namenode:8020/embark/ws   // on HDFS
                data { train = [hdfs://nn/a, file:///tmp/b], test = s3a://bucket/t # test edges
                }
                """, "t.conf");
        assertEquals("hdfs://namenode:8020/embark/ws", m.get("workspace"));
        assertEquals(List.of("hdfs://nn/a", "file:///tmp/b"), m.get("data.train"));
        assertEquals("s3a://bucket/t", m.get("data.test"));
    }

    @Test
    void builds_typed_sections_with_overrides() {
        JobConfig job = JobConfig.read(ConfigLoader.fromText(TEXT, "t.conf", List.of("graph.entities.user.partitions=8", "data.test=[t1, t2]")));
        assertEquals("work/x/graph", job.graphDir());
        assertEquals(8, job.graph().schema().entityType("user").partitions());
        assertEquals(List.of("t1", "t2"), job.requireData("import").test());
        assertEquals(InputFormat.TSV, job.requireData("import").format());
    }

    @Test
    void unknown_key_names_the_nearest_valid_key() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> JobConfig.read(ConfigLoader.fromText(TEXT + "\ndata.delimeter = \",\"\n", "t.conf", List.of())));
        assertTrue(e.getMessage().contains("data.delimeter: unknown key (did you mean data.delimiter?)"), e.getMessage());
    }

    @Test
    void bad_values_name_the_key_and_what_was_expected() {
        ConfigException p = assertThrows(ConfigException.class,
                () -> JobConfig.read(ConfigLoader.fromText(TEXT, "t.conf", List.of("graph.entities.user.partitions=0"))));
        assertEquals("graph.entities.user.partitions: '0' (expected between 1 and 65536)", p.getMessage());
        ConfigException f = assertThrows(ConfigException.class,
                () -> JobConfig.read(ConfigLoader.fromText(TEXT, "t.conf", List.of("data.format=xml"))));
        assertEquals("data.format: 'xml' is not valid (expected one of tsv, csv, parquet)", f.getMessage());
        ConfigException t = assertThrows(ConfigException.class,
                () -> JobConfig.read(ConfigLoader.fromText(TEXT, "t.conf", List.of("graph.relations.lhs=item"))));
        assertTrue(t.getMessage().contains("entity type 'item' is not declared"), t.getMessage());
        ConfigException s = assertThrows(ConfigException.class, () -> ConfigParser.parse("a = \"open\n", "s.conf"));
        assertEquals("s.conf:1: unterminated string (expected a closing '\"')", s.getMessage());
    }

    @Test
    void edit_distance() {
        assertEquals(0, ConfigReader.editDistance("abc", "abc"));
        assertEquals(2, ConfigReader.editDistance("delimeter", "delimiter") + 1);
        assertEquals(3, ConfigReader.editDistance("kitten", "sitting"));
    }
}
