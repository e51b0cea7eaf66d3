package io.embark.jobs;

import io.embark.embedding.train.NonFiniteLossException;
import io.embark.embedding.train.StepWarmup;
import io.embark.jobs.config.ConfigException;
import io.embark.jobs.config.ConfigSource;
import io.embark.jobs.config.DriverPaths;
import io.embark.jobs.config.JobConfig;
import io.embark.jobs.eval.EvalJob;
import io.embark.jobs.export.ExportJob;
import io.embark.jobs.export.NeighborsJob;
import io.embark.jobs.generate.GenerateJob;
import io.embark.jobs.imports.BadInputException;
import io.embark.jobs.imports.ImportJob;
import io.embark.jobs.report.ReportJob;
import io.embark.jobs.train.DistributedTrainJob;
import io.embark.jobs.train.TrainJob;
import io.embark.jobs.tune.TuneJob;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * {@code embark <command> --config FILE [--set key=value ...]}.
 *
 * <p>Commands: {@code generate} (synthetic edge files), {@code import} (edge files to a partitioned dataset),
 * {@code train} (checkpointed embeddings), {@code eval} (link-prediction metrics), {@code export} (Parquet/TSV),
 * {@code neighbors} (nearest entities, likeliest tails), {@code report} (HTML training curves), and
 * {@code pipeline} (every stage listed in {@code pipeline.stages}, in order, in one Spark session), and {@code tune}
 * (a hyperparameter search on the valid split, {@link TuneJob}).
 */
public final class Main {

    static final List<String> COMMANDS = List.of("generate", "import", "train", "eval", "export", "neighbors", "report", "pipeline", "tune");
    static final List<String> STAGES = COMMANDS.subList(0, 7);

    private Main() {
    }

    public static void main(String[] args) {
        boolean verbose = List.of(args).contains("--verbose");
        Interruption interruption = Interruption.watch();
        int code;
        try {
            run(args);
            code = 0;
        } catch (UsageException e) {
            System.err.println("embark: " + e.getMessage());
            System.err.println(usage());
            code = 64;
        } catch (Exception e) {
            code = report(e, verbose, interruption);
        }
        interruption.finished();
        System.exit(code);
    }

    /**
     * One line on stderr for a run that failed, and the exit code: bad input and config (wherever Spark wrapped them)
     * give their own message and 2; anything else its innermost message and 1, with the stack trace only under
     * {@code --verbose}. An interrupted run has said so already (exit 130).
     */
    static int report(Throwable e, boolean verbose, Interruption interruption) {
        if (interruption.happened()) {
            return 130;
        }
        Optional<String> bad = TaskFailures.message(e, BadInputException.class).or(() -> TaskFailures.message(e, ConfigException.class));
        // a non-finite loss names its epoch and bucket: one line too, but not bad input
        Optional<String> ours = bad.or(() -> TaskFailures.message(e, NonFiniteLossException.class));
        if (ours.isPresent()) {
            System.err.println("embark: " + ours.get());
            if (verbose) {
                e.printStackTrace();
            }
            return bad.isPresent() ? 2 : 1;
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        System.err.println("embark: failed: " + firstLine(e) + (root == e ? "" : " (cause: " + firstLine(root) + ")")
                + (verbose ? "" : " [--verbose shows the stack trace]"));
        if (verbose) {
            e.printStackTrace();
        }
        return 1;
    }

    private static String firstLine(Throwable t) {
        String s = t.toString();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    static String usage() {
        return "usage: embark <" + String.join("|", COMMANDS) + "> --config FILE [--set key=value ...] [--verbose] [--json]";
    }

    /** Thrown for a malformed command line. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String m) {
            super(m);
        }
    }

    public static void run(String[] args) throws Exception {
        if (args.length == 0) {
            throw new UsageException("no command given");
        }
        String command = args[0];
        if (!COMMANDS.contains(command)) {
            throw new UsageException("unknown command '" + command + "' (expected one of " + COMMANDS + ")");
        }
        Path config = null;
        List<String> sets = new ArrayList<>();
        boolean json = false;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> config = Path.of(value(args, ++i, "--config"));
                case "--set" -> sets.add(value(args, ++i, "--set"));
                case "--verbose" -> {
                    // read by main: stack traces on failure
                }
                case "--json" -> json = true;
                default -> throw new UsageException("unknown argument '" + args[i] + "'");
            }
        }
        if (config == null) {
            throw new UsageException("--config FILE is required");
        }
        ConfigSource source = ConfigSource.read(config, sets);
        JobConfig job = JobConfig.read(source.reader(List.of()));
        List<String> stages = command.equals("pipeline") ? job.stages() : List.of(command);
        if (stages.isEmpty()) {
            throw new ConfigException("pipeline.stages: missing (expected a list of stages from " + STAGES + ")");
        }
        for (String s : command.equals("pipeline") ? stages : List.<String>of()) {
            if (!STAGES.contains(s)) {
                throw new ConfigException("pipeline.stages: unknown stage '" + s + "' (expected one of " + STAGES + ")");
            }
        }
        if (stages.get(0).equals("train")) {
            // training is the first stage: compile its step while Spark starts (a later train stage starts it itself)
            beginWarmup(job);
        }
        SparkSession spark = SparkSessions.start(String.join("+", stages), job);
        try {
            // the paths, qualified once here with the driver's Hadoop configuration, are the ones every stage and
            // executor uses: a relative path means the same place in local mode and on a cluster
            DriverPaths paths = new DriverPaths(spark.sparkContext().hadoopConfiguration(), spark.sparkContext().master(),
                    job.localPathsShared());
            if (command.equals("tune")) {
                // not a pipeline stage: it loads one config per trial, and writes best.conf from the file's text
                Interruption.stage(command);
                System.out.println(TuneJob.run(spark, source, paths).output().text(json));
                System.out.flush();
                return;
            }
            JobConfig qualified = source.job(paths, List.of());
            for (String stage : stages) {
                Interruption.stage(stage);
                Optional<StageOutput> out = runStage(stage, spark, qualified);
                if (out.isPresent()) {
                    System.out.println(out.get().text(json));
                    System.out.flush();
                }
            }
        } finally {
            // a job that ended before its first bucket (bad input, another stage) leaves no warm-up running
            StepWarmup.end();
            spark.stop();
        }
    }

    /** Runs one stage; what it answers on the command line ({@code eval}, {@code neighbors}), if anything. */
    public static Optional<StageOutput> runStage(String stage, SparkSession spark, JobConfig job) throws Exception {
        switch (stage) {
            case "generate" -> GenerateJob.run(spark, job.generate(), job.progress().log());
            case "import" -> ImportJob.run(spark, job);
            case "train" -> {
                if (job.distributed().isPresent()) {
                    DistributedTrainJob.run(spark, job);
                } else {
                    beginWarmup(job);
                    TrainJob.run(spark, job);
                }
            }
            case "eval" -> {
                return Optional.of(EvalJob.evaluate(spark, job).output());
            }
            case "export" -> ExportJob.run(spark, job);
            case "neighbors" -> {
                return Optional.of(NeighborsJob.ask(spark.sparkContext().hadoopConfiguration(), job).output());
            }
            case "report" -> ReportJob.run(spark.sparkContext().hadoopConfiguration(), job);
            default -> throw new IllegalStateException(stage);
        }
        return Optional.empty();
    }

    /**
     * Starts the JVM's step warm-up ({@link StepWarmup}) for a job that trains in this JVM (not distributed); nothing when
     * one was started before.
     */
    private static void beginWarmup(JobConfig job) {
        if (job.distributed().isEmpty()) {
            StepWarmup.begin(job.model(), job.training(),
                    job.graph().schema().entityTypes().values().stream().anyMatch(t -> t.partitions() > 1));
        }
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new UsageException(flag + " needs a value");
        }
        return args[i];
    }
}
