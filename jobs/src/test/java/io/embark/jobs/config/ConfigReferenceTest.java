package io.embark.jobs.config;

import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embark.embedding.config.AdagradMode;
import io.embark.embedding.config.ComparatorType;
import io.embark.embedding.config.Freeze;
import io.embark.embedding.config.LossType;
import io.embark.embedding.config.OperatorType;
import io.embark.embedding.config.RegularizerType;
import io.embark.embedding.config.RelationInit;
import io.embark.embedding.config.ResumeFrom;
import io.embark.embedding.config.TableResidency;
import io.embark.embedding.kernel.StepKernel;
import io.embark.partitioning.BucketOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md and the code agree on the set of keys, and, for every key whose value is an enum, on the
 * values it accepts.
 */
class ConfigReferenceTest {

    /** A config under which the code reads every key (per-type and per-relation keys for one type and one relation). */
    private static final String BASE = """
            data.train = x
            graph.entities.user.partitions = 2
            graph.relations { dynamic = false, types.follows { lhs = user, rhs = user } }
            model.typeDimensions.user = 8
            model.relations.follows.operator = translation
            model.maxNorm = 1
            tune.space { training.learningRate.log = [0.01, 1], training.margin.range = [0, 1], model.relation.operator.choice = [diagonal] }
            """;

    /** What a placeholder of the docs stands for in {@link #BASE}. */
    private static final Map<String, String> PLACEHOLDERS = Map.of("<type>", "user", "<relation>", "follows");

    /**
     * Every key whose value is an enum: the enum the code parses it into, and the constants the loader refuses for that
     * key after parsing ({@code generate.format} parses into {@link InputFormat}, whose {@code csv} only import reads).
     * {@link #every_enum_valued_key_the_code_reads_is_in_the_table_with_its_enum} checks this table against the code,
     * {@link #the_docs_list_exactly_the_values_each_enum_valued_key_accepts} the docs against it.
     */
    private static final Map<String, Choice> ENUM_KEYS = new TreeMap<>(Map.ofEntries(
            entry("data.format", new Choice(InputFormat.class)),
            entry("data.onBadLine", new Choice(BadLinePolicy.class)),
            entry("import.mode", new Choice(ImportMode.class)),
            entry("generate.model", new Choice(GeneratorModel.class)),
            entry("generate.format", new Choice(InputFormat.class, InputFormat.CSV)),
            entry("model.comparator", new Choice(ComparatorType.class)),
            entry("model.relation.operator", new Choice(OperatorType.class)),
            entry("model.relation.init", new Choice(RelationInit.class)),
            entry("model.relations.<relation>.operator", new Choice(OperatorType.class)),
            entry("model.relations.<relation>.init", new Choice(RelationInit.class)),
            entry("model.regularizer", new Choice(RegularizerType.class)),
            entry("training.loss", new Choice(LossType.class)),
            entry("training.bucketOrder", new Choice(BucketOrder.class)),
            entry("training.adagrad", new Choice(AdagradMode.class)),
            entry("training.tables", new Choice(TableResidency.class)),
            entry("training.resume", new Choice(ResumeFrom.class)),
            entry("training.kernel", new Choice(StepKernel.class)),
            entry("training.freeze", new Choice(Freeze.class)),
            entry("export.formats", new Choice(ExportFormat.class))));

    /** Keys whose other values only load together with another key (each message names it). */
    private static final Map<String, List<String>> CONTEXT = Map.of(
            "import.mode", List.of("import.base=x"),
            "training.freeze", List.of("training.init=x"));

    /** An enum and the constants refused for one key; the rest, as the config spells them, are accepted. */
    private record Choice(Class<? extends Enum<?>> type, Set<String> refused) {

        Choice(Class<? extends Enum<?>> type, Enum<?>... refused) {
            this(type, Arrays.stream(refused).map(ConfigReader::choiceName).collect(java.util.stream.Collectors.toSet()));
        }

        List<String> names() {
            return Arrays.stream(type.getEnumConstants()).map(ConfigReader::choiceName).toList();
        }

        Set<String> accepted() {
            Set<String> s = new LinkedHashSet<>(names());
            s.removeAll(refused);
            return s;
        }
    }

    @Test
    void every_key_read_by_the_code_is_documented_and_every_documented_key_is_read() throws Exception {
        ConfigReader r = ConfigLoader.fromText(BASE, "t", List.of());
        JobConfig.read(r);
        GraphConfig.read(ConfigLoader.fromText("graph.relations.dynamic = true", "t", List.of()));
        Set<String> code = new TreeSet<>();
        for (String k : r.knownKeys()) {
            code.add(documentedName(k));
        }
        code.add("graph.relations.lhs");
        code.add("graph.relations.rhs");
        assertEquals(code, docRows().keySet());
    }

    /**
     * Sets every key the code reads to a value no enum has; the keys the loader then refuses with "is not valid
     * (expected one of ...)" are the enum-valued ones, and what they expect is their enum's names. So a key that
     * starts taking an enum, or changes its enum, fails here until the table (and with it the docs test) knows.
     */
    @Test
    void every_enum_valued_key_the_code_reads_is_in_the_table_with_its_enum() {
        ConfigReader r = ConfigLoader.fromText(BASE, "t", List.of());
        JobConfig.read(r);
        Pattern refusal = Pattern.compile("^(\\S+): 'zz_probe' (?:is not valid )?\\(expected one of (.*)\\)$");
        Map<String, List<String>> probed = new TreeMap<>();
        for (String key : r.knownKeys()) {
            try {
                JobConfig.read(ConfigLoader.fromText(BASE, "t", List.of(key + "=zz_probe")));
            } catch (ConfigException e) {
                Matcher m = refusal.matcher(e.getMessage());
                if (m.matches()) {
                    assertEquals(key, m.group(1), "the refusal of " + key + " = zz_probe names another key: " + e.getMessage());
                    probed.put(documentedName(key), List.of(m.group(2).split(", ")));
                }
            }
        }
        Set<String> untabled = new TreeSet<>(probed.keySet());
        untabled.removeAll(ENUM_KEYS.keySet());
        Set<String> notEnums = new TreeSet<>(ENUM_KEYS.keySet());
        notEnums.removeAll(probed.keySet());
        assertTrue(untabled.isEmpty() && notEnums.isEmpty(), "keys the code parses into an enum, missing from ENUM_KEYS: "
                + untabled + "; keys in ENUM_KEYS the code does not parse into an enum: " + notEnums);
        for (Map.Entry<String, Choice> e : ENUM_KEYS.entrySet()) {
            assertEquals(e.getValue().names(), probed.get(e.getKey()),
                    e.getKey() + ": the code parses it into another enum than " + e.getValue().type().getSimpleName());
        }
    }

    /** What the table says each key accepts, the loader accepts; what it says is refused, the loader refuses naming the key. */
    @Test
    void each_enum_valued_key_loads_exactly_the_values_the_table_accepts() {
        for (Map.Entry<String, Choice> e : ENUM_KEYS.entrySet()) {
            String key = inBase(e.getKey());
            for (String name : e.getValue().names()) {
                List<String> sets = new ArrayList<>(CONTEXT.getOrDefault(e.getKey(), List.of()));
                sets.add(key + "=" + name);
                if (e.getValue().refused().contains(name)) {
                    ConfigException x = assertThrows(ConfigException.class, () -> JobConfig.read(ConfigLoader.fromText(BASE, "t", sets)),
                            key + " = " + name + " is refused");
                    assertTrue(x.getMessage().startsWith(key + ": "), "the refusal names the key: " + x.getMessage());
                } else {
                    try {
                        JobConfig.read(ConfigLoader.fromText(BASE, "t", sets));
                    } catch (ConfigException x) {
                        throw new AssertionError(key + " = " + name + " should load: " + x.getMessage(), x);
                    }
                }
            }
        }
    }

    /**
     * The row of each enum-valued key lists, in backticks in its default or meaning column, exactly the values the key
     * accepts. Backticked words that are not values (other keys such as {@code `import.base`}, {@code `-Pcuda`},
     * {@code `<relation>`}) have a dot, dash or bracket and are not counted. A row listing none takes its values from the
     * key named as its default ({@code model.relations.<relation>.operator}: {@code `model.relation.operator`}).
     */
    @Test
    void the_docs_list_exactly_the_values_each_enum_valued_key_accepts() throws Exception {
        Map<String, String[]> rows = docRows();
        Pattern value = Pattern.compile("`([a-z][a-z0-9_]*)`");
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Choice> e : ENUM_KEYS.entrySet()) {
            String[] row = rows.get(e.getKey());
            assertTrue(row != null, "docs/configuration.md has no row for " + e.getKey());
            Set<String> listed = new TreeSet<>();
            Matcher m = value.matcher(row[0] + " | " + row[1]);
            while (m.find()) {
                listed.add(m.group(1));
            }
            Set<String> accepted = new TreeSet<>(e.getValue().accepted());
            if (listed.isEmpty()) {
                Matcher inherits = Pattern.compile("^`([^`]+)`$").matcher(row[0].trim());
                if (inherits.matches() && e.getValue().equals(ENUM_KEYS.get(inherits.group(1)))) {
                    continue;
                }
            }
            if (!listed.equals(accepted)) {
                problems.add(e.getKey() + ": the docs list " + listed + ", the code accepts " + accepted);
            }
        }
        assertTrue(problems.isEmpty(), "docs/configuration.md and the enums disagree:\n  " + String.join("\n  ", problems));
    }

    /** A key as the docs write it: per-type and per-relation parts as {@code <type>} and {@code <relation>}. */
    private static String documentedName(String k) {
        return k.replaceAll("^graph\\.entities\\.[^.]+\\.", "graph.entities.<type>.")
                .replaceAll("^graph\\.relations\\.types\\.[^.]+\\.", "graph.relations.types.<relation>.")
                .replaceAll("^model\\.typeDimensions\\.[^.]+$", "model.typeDimensions.<type>")
                .replaceAll("^model\\.relations\\.[^.]+\\.", "model.relations.<relation>.")
                .replaceAll("^tune\\.space\\..+\\.(log|range|choice)$", "tune.space.<key>.$1");
    }

    /** A documented key as {@link #BASE} spells it. */
    private static String inBase(String documented) {
        String k = documented;
        for (Map.Entry<String, String> p : PLACEHOLDERS.entrySet()) {
            k = k.replace(p.getKey(), p.getValue());
        }
        return k;
    }

    /** The rows of docs/configuration.md's tables: key to {default, meaning}. */
    private static Map<String, String[]> docRows() throws Exception {
        Path doc = Path.of(System.getProperty("embark.repo.root", "..")).resolve("docs/configuration.md");
        Map<String, String[]> rows = new TreeMap<>();
        Matcher m = Pattern.compile("(?m)^\\| `([^`]+)` \\| (.*?) \\| (.*) \\|$").matcher(Files.readString(doc));
        while (m.find()) {
            rows.put(m.group(1), new String[] {m.group(2), m.group(3)});
        }
        return rows;
    }
}
