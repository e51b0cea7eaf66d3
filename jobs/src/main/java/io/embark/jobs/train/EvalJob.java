package io.embark.jobs.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.embark.embedding.eval.FilteredRanking;
import io.embark.embedding.eval.TrainedModel;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.jobs.config.EvalConfig;
import io.embark.jobs.config.JobConfig;
import io.embark.partitioning.ImportManifest;
import io.embark.partitioning.ImportedGraph;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code eval} command: ranks each edge of {@code eval.split} against every entity of the type on both sides
 * (filtered by the true edges of {@code eval.filter}) with the newest checkpoint, prints the metrics and writes
 * {@code metrics.json} into that checkpoint's directory.
 */
public final class EvalJob {

    private static final Logger LOG = LoggerFactory.getLogger(EvalJob.class);

    private EvalJob() {
    }

    public static Map<String, Object> run(Configuration conf, JobConfig job) throws IOException {
        Path graphDir = new Path(job.graphDir());
        ImportedGraph graph = ImportedGraph.open(graphDir.getFileSystem(conf), graphDir);
        Path ckpt = new Path(job.checkpointDir());
        FileSystem fs = ckpt.getFileSystem(conf);
        CheckpointStore store = new CheckpointStore(fs, ckpt);
        TrainedModel model = TrainedModel.latest(store);
        EvalConfig eval = job.eval();
        if (!graph.hasSplit(eval.split())) {
            throw new IOException("eval.split: the dataset in " + graphDir + " has no split '" + eval.split()
                    + "' (it has " + graph.manifest().splits().keySet() + "; set data." + eval.split() + " and re-import)");
        }
        long start = System.nanoTime();
        FilteredRanking.Metrics m = new FilteredRanking(graph, model).evaluate(eval.split(), eval.filter(), eval.limit());
        double seconds = (System.nanoTime() - start) / 1e9;
        ImportManifest.SplitInfo split = graph.manifest().split(eval.split());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("mrr", m.mrr());
        out.put("mean_rank", m.meanRank());
        out.put("hits_at_1", m.hitsAt1());
        out.put("hits_at_3", m.hitsAt3());
        out.put("hits_at_10", m.hitsAt10());
        out.put("count", m.rankings());
        out.put("filtered", !eval.filter().isEmpty());
        out.put("split", eval.split());
        out.put("filter_splits", List.copyOf(eval.filter()));
        out.put("checkpoint_version", model.version());
        out.put("unmapped_edges", split.unknownEntityEdges() + split.unknownRelationEdges());
        out.put("seconds", seconds);
        Path metrics = new Path(store.versionDir(model.version()), "metrics.json");
        try (OutputStream os = fs.create(metrics, true)) {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(os, out);
        }
        LOG.info("eval {} ({}, checkpoint {}): {} rankings (both sides) in {} s", eval.split(),
                eval.filter().isEmpty() ? "raw" : "filtered by " + eval.filter(), model.version(), m.rankings(),
                String.format("%.1f", seconds));
        LOG.info(String.format("  MRR %.4f   Hits@1 %.4f   Hits@3 %.4f   Hits@10 %.4f   mean rank %.1f",
                m.mrr(), m.hitsAt1(), m.hitsAt3(), m.hitsAt10(), m.meanRank()));
        if (split.unknownEntityEdges() + split.unknownRelationEdges() > 0) {
            LOG.info("  {} {} edge(s) not ranked: their entity or relation never appears in train (counted at import)",
                    split.unknownEntityEdges() + split.unknownRelationEdges(), eval.split());
        }
        LOG.info("  written to {}", metrics);
        return out;
    }
}
