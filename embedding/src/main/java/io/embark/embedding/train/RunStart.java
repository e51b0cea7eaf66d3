package io.embark.embedding.train;

import io.embark.embedding.config.Freeze;
import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.ResumeFrom;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.model.RelationParameters;
import io.embark.embedding.storage.CheckpointInfo;
import io.embark.embedding.storage.CheckpointLineage;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.embedding.storage.DamagedCheckpointException;
import io.embark.embedding.storage.EpochStats;
import io.embark.partitioning.ImportedGraph;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * Where a training run of {@link Trainer} starts, the same for one machine and for a cluster: a run that would break a size limit refused ({@link TrainingLimits}), leftovers of dead runs removed, the
 * version to resume chosen ({@code training.resume}: the newest, checked complete, or the newest that verifies in
 * full), checked for compatibility (refused naming the differing keys), its epochs and stats carried over. A
 * checkpoint file that does not verify, here or later in the run, is refused naming the file and the newest older
 * version that verifies ({@link #explain}). A run with nothing to resume and {@code training.init} set starts from a
 * {@link WarmStart}, written as version 0; its {@link CheckpointLineage} is carried by every later version.
 */
record RunStart(TrainingSchema schema, Map<String, String> config, Map<String, String> compatibility,
                Optional<Integer> latest, List<EpochStats> stats, int startEpoch, CheckpointLineage lineage) {

    private static final System.Logger LOG = System.getLogger(RunStart.class.getName());

    static RunStart of(ImportedGraph graph, ModelConfig model, TrainingConfig training, CheckpointStore checkpoints,
                       boolean distributed) throws IOException {
        TrainingLimits.check(graph, model, training, distributed);
        // replay < 1 samples the base's copied edges of an append-mode dataset; a delta-mode dataset holds only new
        // edges, so there replay = 0 (train only them) is what happens anyway and is accepted
        double replay = training.init().replay();
        var imported = graph.manifest().lineage();
        if (replay < 1 && (imported == null
                || (imported.firstBaseSlot(io.embark.partitioning.DatasetLayout.TRAIN) < 0 && replay > 0))) {
            throw new IllegalArgumentException("training.replay = " + training.init().replay() + ": the dataset " + graph.layout().root()
                    + " holds no copied base edges to sample (expected a dataset imported with import.base and import.mode = append)");
        }
        TrainingSchema schema = new TrainingSchema(graph.manifest(), model);
        Map<String, String> compatibility = compatibility(graph, model, training);
        Map<String, String> config = new LinkedHashMap<>(model.toMap());
        config.putAll(training.toMap());
        checkpoints.removeIncomplete();
        Optional<Integer> latest = resumeVersion(training.resume(), checkpoints);
        List<EpochStats> stats = new ArrayList<>();
        int startEpoch = 0;
        CheckpointLineage lineage = null;
        if (latest.isEmpty() && training.init().warm()) {
            WarmStart.Source source = WarmStart.open(checkpoints.fileSystem(), training.init().checkpoint());
            lineage = WarmStart.lineage(graph, schema, compatibility, source, training);
            WarmStart.write(graph, model, training, schema, source, lineage, checkpoints, config, compatibility);
            latest = Optional.of(0);
        } else if (latest.isPresent()) {
            CheckpointInfo info;
            try {
                info = checkpoints.checkComplete(latest.get());
            } catch (DamagedCheckpointException e) {
                throw explain(checkpoints, e);
            }
            Trainer.refuseIncompatible(info, compatibility, checkpoints.versionDir(latest.get()).toString());
            stats.addAll(checkpoints.stats(latest.get()));
            startEpoch = info.epochs();
            lineage = info.lineage();
            if (training.init().warm() && lineage == null) {
                LOG.log(Level.WARNING, "training.init = {0} is not used: {1} already holds a checkpoint trained from scratch, which is resumed",
                        training.init().checkpoint(), checkpoints.root());
            }
            LOG.log(Level.INFO, "resuming from checkpoint {0} after epoch {1}", checkpoints.versionDir(latest.get()), startEpoch);
        }
        if (training.init().freeze() != Freeze.NONE && lineage == null) {
            throw new IllegalArgumentException("training.freeze = existing: the checkpoints under " + checkpoints.root()
                    + " were not warm-started (training.init), so no rows are known to keep fixed");
        }
        RunStart start = new RunStart(schema, config, compatibility, latest, stats, startEpoch, lineage);
        if (start.finished(training)) {
            LOG.log(Level.INFO, "checkpoint already holds {0} epochs (training.epochs = {1}): nothing to train",
                    startEpoch, training.epochs());
        }
        return start;
    }

    /**
     * The version to resume: the newest ({@link ResumeFrom#LATEST}); or the newest that verifies in full
     * ({@link ResumeFrom#LATEST_VALID}), setting aside the newer ones that do not (refused when none verifies).
     */
    static Optional<Integer> resumeVersion(ResumeFrom from, CheckpointStore checkpoints) throws IOException {
        Optional<Integer> latest = checkpoints.latestVersion();
        if (from == ResumeFrom.LATEST || latest.isEmpty()) {
            return latest;
        }
        Optional<Integer> valid = checkpoints.newestVerified(latest.get());
        if (valid.isEmpty()) {
            throw new IOException("training.resume = latest_valid: no checkpoint version under " + checkpoints.root()
                    + " verifies (the log names the file that fails in each); move the directory aside, or set training.overwrite = true "
                    + "when they were written before checkpoints carried checksums, to train from scratch");
        }
        for (int v : checkpoints.versions()) {
            if (v > valid.get()) {
                LOG.log(Level.WARNING, "training.resume = latest_valid: checkpoint version {0} does not verify; set aside as {1}",
                        CheckpointStore.versionName(v), checkpoints.setAside(v));
            }
        }
        if (valid.get() < latest.get()) {
            LOG.log(Level.WARNING, "training.resume = latest_valid: resuming from {0}, the newest version that verifies",
                    checkpoints.versionDir(valid.get()));
        }
        return valid;
    }

    /** What to set to resume from an older version that verifies. */
    static final IntFunction<String> RESUME_OLDER =
            v -> "set training.resume = latest_valid to resume from it (the newer versions are then set aside)";

    /** {@code e} with the newest older version that verifies and the setting that resumes from it. */
    static DamagedCheckpointException explain(CheckpointStore checkpoints, DamagedCheckpointException e) throws IOException {
        return checkpoints.explain(e, RESUME_OLDER);
    }

    /** The keys a checkpoint of this graph, model and training config records and a resume compares. */
    static Map<String, String> compatibility(ImportedGraph graph, ModelConfig model, TrainingConfig training) {
        Map<String, String> compatibility = new LinkedHashMap<>(model.compatibilityKeys());
        compatibility.putAll(new TrainingSchema(graph.manifest(), model).compatibilityKeys());
        compatibility.putAll(training.compatibilityKeys());
        return compatibility;
    }

    /**
     * The warm start the epoch after checkpoint {@code previous} continues: the lineage that version records (which
     * rows and relations are known, and stay fixed when the run freezes them), null for a run from scratch. Read by
     * each worker from the version it starts from.
     */
    static CheckpointLineage lineage(TrainingConfig training, CheckpointStore checkpoints, Optional<Integer> previous) throws IOException {
        if (previous.isEmpty()) {
            return null;
        }
        CheckpointLineage lineage = checkpoints.info(previous.get()).lineage();
        if (lineage == null && training.init().freeze() != Freeze.NONE) {
            throw new IllegalArgumentException("training.freeze = existing: checkpoint " + checkpoints.versionDir(previous.get())
                    + " records no warm start (training.init), so no rows are known to keep fixed");
        }
        return lineage;
    }

    boolean finished(TrainingConfig training) {
        return startEpoch >= training.epochs();
    }

    /** The relation parameters an epoch after checkpoint {@code previous} starts from (fresh when empty). */
    static RelationParameters relations(TrainingSchema schema, ModelConfig model, CheckpointStore checkpoints,
                                        Optional<Integer> previous) throws IOException {
        return previous.isPresent() ? checkpoints.relations(previous.get())
                : RelationParameters.create(model, schema.relationNames(), schema.relationDims());
    }
}
