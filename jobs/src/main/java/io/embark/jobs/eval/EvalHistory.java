package io.embark.jobs.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.embark.partitioning.AtomicFile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@code CHECKPOINTS/evals.jsonl}: one JSON line per eval run (checkpoint version, its epochs, what was ranked, the
 * top-level metrics), kept next to the checkpoints so that the MRR curve survives the pruning of old versions (and
 * their metrics files). The report draws its MRR curve from it. Rewritten whole, atomically, on each append.
 */
public final class EvalHistory {

    public static final String FILE = "evals.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private EvalHistory() {
    }

    /** The summary line of one run: everything of the metrics file but the breakdown. */
    static Map<String, Object> entry(Map<String, Object> metrics, int epochs) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("epochs", epochs);
        metrics.forEach((k, v) -> {
            if (!k.equals("breakdown")) {
                e.put(k, v);
            }
        });
        return e;
    }

    static void append(FileSystem fs, Path checkpointRoot, Map<String, Object> entry) throws IOException {
        Path file = new Path(checkpointRoot, FILE);
        StringBuilder sb = new StringBuilder();
        for (Map<String, Object> old : read(fs, checkpointRoot)) {
            sb.append(JSON.writeValueAsString(old)).append('\n');
        }
        sb.append(JSON.writeValueAsString(entry)).append('\n');
        AtomicFile.write(fs, file, sb.toString());
    }

    /** Every run recorded under {@code checkpointRoot}, oldest first (empty when eval never ran). */
    public static List<Map<String, Object>> read(FileSystem fs, Path checkpointRoot) throws IOException {
        Path file = new Path(checkpointRoot, FILE);
        List<Map<String, Object>> out = new ArrayList<>();
        if (!fs.exists(file)) {
            return out;
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(file), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> m = JSON.readValue(line, Map.class);
                    out.add(m);
                }
            }
        }
        return out;
    }
}
