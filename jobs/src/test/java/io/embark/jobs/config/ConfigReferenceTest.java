package io.embark.jobs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/configuration.md and the code agree on the set of keys. */
class ConfigReferenceTest {

    @Test
    void every_key_read_by_the_code_is_documented_and_every_documented_key_is_read() throws Exception {
        ConfigReader r = ConfigLoader.fromText("""
                data.train = x
                graph.entities.user.partitions = 2
                graph.relations { dynamic = false, types.follows { lhs = user, rhs = user } }
                model.typeDimensions.user = 8
                model.relations.follows.operator = translation
                model.maxNorm = 1
                """, "t", List.of());
        JobConfig.read(r);
        GraphConfig.read(ConfigLoader.fromText("graph.relations.dynamic = true", "t", List.of()));
        Set<String> code = new TreeSet<>();
        for (String k : r.knownKeys()) {
            code.add(k.replaceAll("^graph\\.entities\\.[^.]+\\.", "graph.entities.<type>.")
                    .replaceAll("^graph\\.relations\\.types\\.[^.]+\\.", "graph.relations.types.<relation>.")
                    .replaceAll("^model\\.typeDimensions\\.[^.]+$", "model.typeDimensions.<type>")
                    .replaceAll("^model\\.relations\\.[^.]+\\.", "model.relations.<relation>."));
        }
        code.add("graph.relations.lhs");
        code.add("graph.relations.rhs");
        Path doc = Path.of(System.getProperty("embark.repo.root", "..")).resolve("docs/configuration.md");
        Set<String> documented = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\| `([^`]+)` \\|").matcher(Files.readString(doc));
        while (m.find()) {
            documented.add(m.group(1));
        }
        assertEquals(code, documented);
    }
}
