package io.embark.jobs.tune;

import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.eval.EpochValidation;
import io.embark.embedding.eval.LinkPrediction;
import io.embark.embedding.eval.RankingOptions;
import io.embark.embedding.eval.TrainedModel;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.embedding.storage.EpochStats;
import io.embark.embedding.train.Trainer;
import io.embark.jobs.config.ProgressConfig;
import io.embark.jobs.imports.HadoopConf;
import io.embark.partitioning.ImportedGraph;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Spark task that trains one trial to one rung's epochs, in the trial's own checkpoint directory, with the trainer of
 * {@code train} ({@link Trainer}, on this executor's threads), ranking the valid split in process as it goes
 * ({@link EpochValidation}): after every {@code training.eval.every}-th epoch when set, and always after the rung's
 * last. A trial that trained an earlier rung continues from its newest checkpoint (the trainer resumes it), so a rung
 * costs only its new epochs. A trial that fails (a diverging loss, a bad combination of values) comes back as a
 * failed {@link TrialOutcome}; the search goes on.
 */
final class TrialTask implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TrialTask.class);

    /**
     * One trial's work in a wave.
     *
     * @param id       the trial
     * @param rung     the rung
     * @param epochs   the rung's epochs ({@code training.epochs} of {@code training})
     * @param dir      the trial's directory (qualified)
     * @param model    the trial's model
     * @param training the trial's training, {@code epochs} epochs
     */
    record Spec(int id, int rung, int epochs, String dir, ModelConfig model, TrainingConfig training) implements Serializable {
    }

    private final HadoopConf hadoop;
    private final String graphDir;
    private final RankingOptions options;
    private final long limit;
    private final int every;
    private final ProgressConfig progress;

    /**
     * @param options what the trials are ranked by (the valid split, {@code eval.filter}, {@code eval.candidates})
     * @param limit   ranked edges of the split ({@code training.eval.limit})
     * @param every   epochs between evaluations for the curve; {@link Integer#MAX_VALUE}: at the rungs' ends only
     */
    TrialTask(HadoopConf hadoop, String graphDir, RankingOptions options, long limit, int every, ProgressConfig progress) {
        this.hadoop = hadoop;
        this.graphDir = graphDir;
        this.options = options;
        this.limit = limit;
        this.every = every;
        this.progress = progress;
    }

    TrialOutcome run(Spec s) {
        long start = System.nanoTime();
        try {
            TrialOutcome o = train(s, start);
            LOG.info("tune: trial {} rung {} ({} epochs): valid MRR {} ({} epoch(s) trained, {} s)", s.id(), s.rung(), s.epochs(),
                    String.format("%.4f", o.mrr()), o.epochsTrained(), String.format("%.1f", o.seconds()));
            return o;
        } catch (Exception e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            LOG.warn("tune: trial {} rung {} failed: {}", s.id(), s.rung(), why);
            return TrialOutcome.failed(s.id(), s.rung(), s.epochs(), seconds(start), why);
        }
    }

    private TrialOutcome train(Spec s, long start) throws IOException {
        Configuration conf = hadoop.get();
        Path graphPath = new Path(graphDir);
        ImportedGraph graph = ImportedGraph.open(graphPath.getFileSystem(conf), graphPath);
        Path ckpt = new Path(s.dir(), "checkpoints");
        CheckpointStore store = new CheckpointStore(ckpt.getFileSystem(conf), ckpt);
        int before = store.latestVersion().orElse(0);
        EpochValidation validation = new EpochValidation(graph, options, limit, every, s.epochs());
        List<EpochStats> stats = Trainer.train(graph, s.model(), s.training(), store, validation, progress.log());
        String key = options.split() + "_mrr";
        List<Trial.CurvePoint> curve = new ArrayList<>();
        for (EpochStats e : stats) {
            Double m = e.metrics().get(key);
            if (m != null) {
                curve.add(new Trial.CurvePoint(e.epoch(), m));
            }
        }
        Double mrr = stats.isEmpty() ? null : stats.get(stats.size() - 1).metrics().get(key);
        if (mrr == null) {
            // the rung's epochs were in the checkpoints already, unevaluated (killed between training and ranking)
            Map<String, Double> m = EpochValidation.metrics(options,
                    new LinkPrediction(graph, TrainedModel.version(store, s.epochs())).rank(options, limit), 0);
            mrr = m.get(key);
            curve.add(new Trial.CurvePoint(s.epochs(), mrr));
        }
        int trained = Math.max(0, s.epochs() - before);
        return new TrialOutcome(s.id(), s.rung(), s.epochs(), mrr, curve, seconds(start), trained, null);
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
