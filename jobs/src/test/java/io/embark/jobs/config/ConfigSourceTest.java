package io.embark.jobs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A config written back out with values on top ({@code tune}'s best.conf) loads as the config with those values set. */
class ConfigSourceTest {

    @Test
    void a_config_written_with_values_loads_as_the_config_with_those_values_set() {
        String text = """
                workspace = hdfs://nn:8020/embark   // a comment
                data { train = "a b.tsv", delimiter = "\\t", format = csv }
                model.dimension = 8
                training.learningRate = 0.5""";
        List<String> sets = List.of("data.valid=[v1.tsv, v2.tsv]", "model.comparator=cos", "data.relationName=say \"hi\" \\ back");
        ConfigSource source = new ConfigSource(text, "t.conf", sets);
        Map<String, String> values = new LinkedHashMap<>();
        values.put("training.learningRate", "0.0312");
        values.put("model.relation.operator", "complex_diagonal");
        values.put("model.dimension", "16");
        String written = source.withValues(values, "the best trial");
        List<String> more = values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();

        Map<String, String> expected = source.reader(more).asStrings();
        Map<String, String> loaded = ConfigLoader.fromText(written, "best.conf", List.of()).asStrings();
        assertEquals(expected, loaded);
        assertEquals("\t", loaded.get("data.delimiter"));
        assertEquals("[v1.tsv, v2.tsv]", loaded.get("data.valid"));
        assertEquals("16", loaded.get("model.dimension"));
        assertEquals("say \"hi\" \\ back", loaded.get("data.relationName"));
        // and it validates as a whole job config
        JobConfig job = JobConfig.read(ConfigLoader.fromText(written, "best.conf", List.of()));
        assertEquals(0.0312, job.training().learningRate());
    }
}
