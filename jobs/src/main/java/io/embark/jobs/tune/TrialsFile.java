package io.embark.jobs.tune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.embark.partitioning.AtomicFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@code OUTPUT/trials.json}: the whole search in one JSON file, rewritten atomically ({@link AtomicFile}) after every
 * wave, and what a resumed search reads back. Its first line holds the CRC32C of every byte after it, so that a damaged
 * file is refused rather than trusted; the whole is still plain JSON:
 * <pre>
 *   {"crc32c" : "5be2d0c3",
 *     "format" : 1,
 *     "search" : { "model.dimension" : "8", ... },      the config the search was planned from (its identity)
 *     "rungs" : [ 1, 3, 9 ],
 *     "elapsedSeconds" : 812.4,                         over all runs of the search
 *     "best" : { "id" : 4, "mrr" : 0.3012, "epochs" : 9 },
 *     "trials" : [ { "id" : 0, "dir" : "trials/trial-000", "params" : { "training.learningRate" : "0.0312" },
 *                    "status" : "stopped_early", "rung" : 0, "epochs" : 1, "mrr" : 0.12,
 *                    "results" : [ { "rung" : 0, "epochs" : 1, "mrr" : 0.12, "seconds" : 30.1 } ],
 *                    "curve" : [ [ 1, 0.12 ] ], "error" : null, "seconds" : 30.1 }, ... ] }
 * </pre>
 */
final class TrialsFile {

    static final String FILE = "trials.json";
    private static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern FIRST_LINE = Pattern.compile("^\\{\"crc32c\" : \"([0-9a-f]{8})\",$");

    /**
     * A search as recorded.
     *
     * @param search         the config the search was planned from
     * @param rungs          the rungs' epochs
     * @param elapsedSeconds time the search has run, over all its runs
     * @param trials         every trial, by id
     * @param statuses       each trial's status
     * @param bestResult     the best trial's last rung result
     * @param best           the best trial, if any trained ({@link TuneJob#best})
     */
    record Contents(Map<String, String> search, List<Integer> rungs, double elapsedSeconds, List<Trial> trials,
                    Map<Integer, TrialStatus> statuses, Optional<Trial.RungResult> bestResult, Optional<Integer> best) {
    }

    private TrialsFile() {
    }

    static Path path(Path output) {
        return new Path(output, FILE);
    }

    static void write(FileSystem fs, Path output, Contents c) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", FORMAT);
        root.put("search", new TreeMap<>(c.search()));
        root.put("rungs", c.rungs());
        root.put("elapsedSeconds", Math.round(c.elapsedSeconds() * 10) / 10.0);
        if (c.best().isPresent()) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("id", c.best().get());
            b.put("mrr", c.bestResult().orElseThrow().mrr());
            b.put("epochs", c.bestResult().orElseThrow().epochs());
            root.put("best", b);
        } else {
            root.put("best", null);
        }
        List<Object> trials = new ArrayList<>();
        for (Trial t : c.trials()) {
            trials.add(trial(t, c.statuses().get(t.id())));
        }
        root.put("trials", trials);
        String body = JSON.writeValueAsString(root);
        // the pretty printer starts with "{" alone on the first line: that line becomes the checksum's
        String rest = body.substring(body.indexOf('\n') + 1);
        String text = "{\"crc32c\" : \"" + hex(crc32c(rest)) + "\",\n" + rest + "\n";
        AtomicFile.write(fs, path(output), text);
    }

    private static Map<String, Object> trial(Trial t, TrialStatus status) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id());
        m.put("dir", t.dirName());
        m.put("params", t.params());
        m.put("status", status.label());
        Optional<Trial.RungResult> last = t.results().isEmpty() ? Optional.empty() : Optional.of(t.results().get(t.results().size() - 1));
        m.put("rung", t.rungReached());
        m.put("epochs", last.map(Trial.RungResult::epochs).orElse(0));
        m.put("mrr", last.map(Trial.RungResult::mrr).orElse(null));
        List<Object> results = new ArrayList<>();
        for (Trial.RungResult r : t.results()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("rung", r.rung());
            e.put("epochs", r.epochs());
            e.put("mrr", r.mrr());
            e.put("seconds", Math.round(r.seconds() * 10) / 10.0);
            results.add(e);
        }
        m.put("results", results);
        List<Object> curve = new ArrayList<>();
        for (Trial.CurvePoint p : t.curve()) {
            curve.add(List.of(p.epoch(), p.mrr()));
        }
        m.put("curve", curve);
        m.put("error", t.error().orElse(null));
        m.put("seconds", Math.round(t.seconds() * 10) / 10.0);
        return m;
    }

    /** The recorded search, or empty when {@code output} has no {@code trials.json}; a damaged file is refused, naming it. */
    static Optional<Contents> read(FileSystem fs, Path output) throws IOException {
        Path p = path(output);
        if (!fs.exists(p)) {
            return Optional.empty();
        }
        String text;
        try (InputStream in = fs.open(p)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (ChecksumException e) {
            throw damaged(p, "Hadoop's checksum (.crc) does not match");
        }
        int nl = text.indexOf('\n');
        Matcher m = FIRST_LINE.matcher(nl < 0 ? text : text.substring(0, nl));
        if (nl < 0 || !m.matches()) {
            throw damaged(p, "its first line is not {\"crc32c\" : \"HEX\",");
        }
        String rest = text.substring(nl + 1);
        rest = rest.endsWith("\n") ? rest.substring(0, rest.length() - 1) : rest;
        long expected = Long.parseLong(m.group(1), 16);
        if (crc32c(rest) != expected) {
            throw damaged(p, "its CRC32C is " + hex(crc32c(rest)) + ", its first line records " + m.group(1));
        }
        JsonNode root = JSON.readTree(text);
        if (root.path("format").asInt() != FORMAT) {
            throw damaged(p, "format " + root.path("format") + " (expected " + FORMAT + ")");
        }
        Map<String, String> search = new TreeMap<>();
        root.path("search").fields().forEachRemaining(e -> search.put(e.getKey(), e.getValue().asText()));
        List<Integer> rungs = new ArrayList<>();
        root.path("rungs").forEach(n -> rungs.add(n.asInt()));
        List<Trial> trials = new ArrayList<>();
        Map<Integer, TrialStatus> statuses = new TreeMap<>();
        for (JsonNode t : root.path("trials")) {
            Map<String, String> params = new LinkedHashMap<>();
            t.path("params").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
            List<Trial.RungResult> results = new ArrayList<>();
            for (JsonNode r : t.path("results")) {
                results.add(new Trial.RungResult(r.path("rung").asInt(), r.path("epochs").asInt(), r.path("mrr").asDouble(),
                        r.path("seconds").asDouble()));
            }
            List<Trial.CurvePoint> curve = new ArrayList<>();
            for (JsonNode c : t.path("curve")) {
                curve.add(new Trial.CurvePoint(c.get(0).asInt(), c.get(1).asDouble()));
            }
            Optional<String> error = t.path("error").isTextual() ? Optional.of(t.path("error").asText()) : Optional.empty();
            Trial trial = new Trial(t.path("id").asInt(), params, results, curve, error, t.path("seconds").asDouble());
            trials.add(trial);
            statuses.put(trial.id(), TrialStatus.of(t.path("status").asText()));
        }
        Optional<Integer> best = root.path("best").isObject() ? Optional.of(root.path("best").path("id").asInt()) : Optional.empty();
        Optional<Trial.RungResult> bestResult = best.flatMap(b -> trials.stream().filter(t -> t.id() == b).findFirst())
                .flatMap(t -> t.results().isEmpty() ? Optional.empty() : Optional.of(t.results().get(t.results().size() - 1)));
        return Optional.of(new Contents(search, rungs, root.path("elapsedSeconds").asDouble(), trials, statuses, bestResult, best));
    }

    private static IOException damaged(Path p, String why) {
        return new IOException(p + ": damaged (" + why + "); set tune.overwrite = true to start the search over");
    }

    static long crc32c(String s) {
        CRC32C crc = new CRC32C();
        crc.update(s.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }

    private static String hex(long crc) {
        return String.format(Locale.ROOT, "%08x", crc);
    }
}
