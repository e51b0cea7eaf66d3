package io.embark.jobs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embark.jobs.imports.EdgeLineParser;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The configs in {@code conf/} run as the README says. Each loads and validates (no unknown or misspelled keys, values
 * in range, model and training sections that build their typed records), keeps its outputs in a workspace of its own
 * ({@code work/<name>} for {@code conf/<name>.conf}), and reads edges that will be there: files of the dataset it is named
 * after under {@code ../shared/datasets}, each split from its own file, in columns its parser reads; the files its own
 * {@code generate} stage writes; or the split {@code scripts/split-edges.sh} writes into its workspace. The splits it
 * evaluates on are among those it imports. The README names every config, and every {@code conf/<name>.conf} that the
 * README, docs, scripts, configs and tests name exists.
 *
 * <p>The dataset files are looked for only when {@code ../shared/datasets} is there (as scripts/test looks); without
 * it that one check is left out and says so, the rest still runs.
 */
class ShippedConfigsTest {

    private static final Path ROOT = Path.of(System.getProperty("embark.repo.root", "..")).toAbsolutePath().normalize();
    /** How the configs name the shared datasets: relative to the repository root, where scripts/embark runs. */
    private static final String DATASETS = "../shared/datasets/";
    /** The splits an import reads, in the order of {@link #dataPaths}. */
    private static final List<String> SPLITS = List.of("train", "valid", "test");

    @Test
    void everyShippedConfigValidates() throws Exception {
        for (Path f : configs()) {
            JobConfig job = load(f);
            assertTrue(job.workspace() != null && !job.workspace().isBlank(), f + ": workspace");
            assertTrue(job.model().dimension() > 0 && job.training().epochs() > 0, f + ": model and training sections");
        }
    }

    /** Two configs sharing a workspace would import over each other's datasets and resume each other's checkpoints. */
    @Test
    void eachConfigKeepsItsOutputsInAWorkspaceNamedAfterIt() throws Exception {
        for (Path f : configs()) {
            assertEquals("work/" + stem(f), load(f).workspace(), f + ": workspace");
        }
    }

    @Test
    void everyDataPathIsADatasetFileTheConfigIsNamedAfterOrMadeByTheConfigOrTheSplitScript() throws Exception {
        Path datasets = ROOT.resolve(DATASETS).normalize();
        boolean present = Files.isDirectory(datasets);
        if (!present) {
            System.out.println("ShippedConfigsTest: " + datasets + " is absent, the dataset files are not looked for");
        }
        List<String> problems = new ArrayList<>();
        for (Path f : configs()) {
            JobConfig job = load(f);
            if (job.data().isEmpty()) {
                continue;
            }
            DataConfig data = job.data().get();
            EdgeLineParser parser = new EdgeLineParser(data);
            String name = f.getFileName().toString();
            for (Map.Entry<String, List<String>> e : dataPaths(data).entrySet()) {
                String split = e.getKey();
                for (String p : e.getValue()) {
                    String where = name + ": data." + split + " = " + p;
                    if (p.startsWith(DATASETS)) {
                        String[] parts = p.substring(DATASETS.length()).split("/", 2);
                        if (!stem(f).startsWith(parts[0])) {
                            problems.add(where + " reads dataset " + parts[0] + " but the config is not named after it");
                        }
                        if (parts.length < 2 || !parts[1].equals(split + ".txt")) {
                            problems.add(where + " is not the dataset's " + split + ".txt");
                        }
                        Path file = datasets.resolve(p.substring(DATASETS.length()));
                        if (present) {
                            if (!Files.isRegularFile(file)) {
                                problems.add(where + ": no such file " + file);
                            } else {
                                firstLineProblem(parser, file).ifPresent(x -> problems.add(where + ": " + x));
                            }
                        }
                    } else if (p.startsWith(job.generate().output() + "/")) {
                        if (!p.equals(job.generate().output() + "/" + split)) {
                            problems.add(where + " is not what generate writes for " + split + ": " + job.generate().output() + "/" + split);
                        }
                        int gen = job.stages().indexOf("generate");
                        int imp = job.stages().indexOf("import");
                        if (gen < 0 || imp < gen) {
                            problems.add(where + " is generated, but pipeline.stages " + job.stages() + " does not generate before it imports");
                        }
                    } else if (p.startsWith(job.workspace() + "/split/")) {
                        // scripts/split-edges.sh EDGES OUTDIR writes OUTDIR/train.tsv and OUTDIR/test.tsv, lines "src<TAB>dst"
                        if (!p.equals(job.workspace() + "/split/" + split + ".tsv") || split.equals("valid")) {
                            problems.add(where + " is not a file scripts/split-edges.sh writes (split/train.tsv, split/test.tsv)");
                        }
                        try {
                            parser.parse("a\tb");
                        } catch (EdgeLineParser.LineProblem x) {
                            problems.add(where + ": a line of scripts/split-edges.sh, 'a<TAB>b', does not parse: " + x.getMessage());
                        }
                        Path edges = datasets.resolve(stem(f)).resolve("edges.txt");
                        if (present && !Files.isRegularFile(edges)) {
                            problems.add(where + " is a split of " + edges + ", which does not exist");
                        }
                    } else {
                        problems.add(where + " is neither under " + DATASETS + ", nor generated by the config (generate.output = "
                                + job.generate().output() + "), nor under its workspace's split/");
                    }
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** A config whose name starts with a dataset's reads that dataset (fb15k-237-pbg.conf: fb15k-237), not another one. */
    @Test
    void aConfigNamedAfterADatasetReadsThatDataset() throws Exception {
        Path datasets = ROOT.resolve(DATASETS).normalize();
        Set<String> names = new TreeSet<>();
        if (Files.isDirectory(datasets)) {
            try (Stream<Path> s = Files.list(datasets)) {
                s.filter(Files::isDirectory).forEach(d -> names.add(d.getFileName().toString()));
            }
        }
        for (Path f : configs()) {
            JobConfig job = load(f);
            job.data().ifPresent(d -> dataPaths(d).values().forEach(ps -> ps.stream().filter(p -> p.startsWith(DATASETS))
                    .forEach(p -> names.add(p.substring(DATASETS.length()).split("/")[0]))));
        }
        assertFalse(names.isEmpty(), "no dataset named by a config or under " + datasets);
        for (Path f : configs()) {
            String dataset = names.stream().filter(n -> stem(f).startsWith(n)).reduce((a, b) -> a.length() >= b.length() ? a : b).orElse(null);
            if (dataset == null) {
                continue;
            }
            JobConfig job = load(f);
            assertTrue(job.data().isPresent(), f + " is named after " + dataset + " but reads no data");
            for (List<String> paths : dataPaths(job.data().get()).values()) {
                for (String p : paths) {
                    assertTrue(p.startsWith(DATASETS + dataset + "/") || p.startsWith(job.workspace() + "/split/"),
                            f + " is named after " + dataset + " but reads " + p);
                }
            }
            assertFalse(job.data().get().train().isEmpty(), f + ": data.train");
        }
    }

    /** eval and training.eval rank a split the config imports; a config whose stages leave eval out may have no test split. */
    @Test
    void theSplitsAConfigEvaluatesAreOnesItImports() throws Exception {
        for (Path f : configs()) {
            JobConfig job = load(f);
            if (job.data().isEmpty()) {
                continue;
            }
            Map<String, List<String>> paths = dataPaths(job.data().get());
            boolean evaluates = job.stages().isEmpty() || job.stages().contains("eval");
            if (evaluates) {
                assertFalse(paths.getOrDefault(job.eval().split(), List.of()).isEmpty(),
                        f + ": eval.split = " + job.eval().split() + " but data." + job.eval().split() + " is not set");
            }
            if (job.validation().enabled()) {
                assertFalse(paths.getOrDefault(job.validation().split(), List.of()).isEmpty(),
                        f + ": training.eval.split = " + job.validation().split() + " but data." + job.validation().split() + " is not set");
            }
        }
    }

    @Test
    void theReadmeNamesEveryConfigAndEveryConfigNamedAnywhereExists() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        List<String> problems = new ArrayList<>();
        for (Path f : configs()) {
            if (!readme.contains("`" + f.getFileName() + "`") && !readme.contains("conf/" + f.getFileName())) {
                problems.add("README.md does not name " + f.getFileName());
            }
        }
        List<Path> sources = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        for (String dir : List.of("docs", "scripts", "conf", "jobs/src/test", "jobs/src/main")) {
            try (Stream<Path> s = Files.walk(ROOT.resolve(dir))) {
                s.filter(Files::isRegularFile).forEach(sources::add);
            }
        }
        Pattern ref = Pattern.compile("conf/([A-Za-z0-9_.-]+\\.conf)\\b");
        for (Path src : sources) {
            Matcher m = ref.matcher(Files.readString(src));
            while (m.find()) {
                if (!Files.isRegularFile(ROOT.resolve("conf").resolve(m.group(1)))) {
                    problems.add(ROOT.relativize(src) + " names conf/" + m.group(1) + ", which does not exist");
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    private static List<Path> configs() throws Exception {
        Path conf = ROOT.resolve("conf");
        List<Path> files;
        try (Stream<Path> s = Files.list(conf)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".conf")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no configs in " + conf);
        return files;
    }

    /** The config as the file says, paths as written (unqualified: relative to the repository root). */
    private static JobConfig load(Path f) {
        return JobConfig.read(ConfigLoader.load(f, List.of()));
    }

    private static String stem(Path f) {
        String n = f.getFileName().toString();
        return n.substring(0, n.length() - ".conf".length());
    }

    private static Map<String, List<String>> dataPaths(DataConfig d) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put(SPLITS.get(0), d.train());
        m.put(SPLITS.get(1), d.valid());
        m.put(SPLITS.get(2), d.test());
        return m;
    }

    /** The first 100 lines of {@code file} parse as edges with the config's columns, or what is wrong with one. */
    private static java.util.Optional<String> firstLineProblem(EdgeLineParser parser, Path file) throws Exception {
        try (BufferedReader r = Files.newBufferedReader(file)) {
            String line;
            for (int n = 1; n <= 100 && (line = r.readLine()) != null; n++) {
                try {
                    parser.parse(line);
                } catch (EdgeLineParser.LineProblem x) {
                    return java.util.Optional.of(file.getFileName() + ":" + n + ": " + x.getMessage());
                }
            }
        }
        return java.util.Optional.empty();
    }
}
