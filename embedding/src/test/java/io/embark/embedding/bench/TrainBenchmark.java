package io.embark.embedding.bench;

import io.embark.embedding.GraphFixture;
import io.embark.embedding.config.ComparatorType;
import io.embark.embedding.config.LossType;
import io.embark.embedding.config.ModelConfig;
import io.embark.embedding.config.NegativesConfig;
import io.embark.embedding.config.OperatorType;
import io.embark.embedding.config.RegularizerType;
import io.embark.embedding.config.TrainingConfig;
import io.embark.embedding.eval.Candidates;
import io.embark.embedding.eval.EpochValidation;
import io.embark.embedding.eval.LinkPrediction;
import io.embark.embedding.eval.RankingMetrics;
import io.embark.embedding.eval.RankingOptions;
import io.embark.embedding.eval.TrainedModel;
import io.embark.embedding.storage.CheckpointStore;
import io.embark.embedding.storage.EpochStats;
import io.embark.embedding.train.EpochEvaluator;
import io.embark.embedding.train.Trainer;
import io.embark.partitioning.ImportedGraph;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;

/**
 * Whole-run training benchmark on a knowledge graph given as TSV ({@code head<TAB>relation<TAB>tail} in train.txt,
 * valid.txt, test.txt): builds the dataset in Embark's layout (what {@code embark import} writes), trains with a
 * preset, and reports edges/s per epoch (loading, shuffling and checkpointing included) and, with {@code eval=true},
 * filtered test MRR.
 *
 * <p>Arguments, {@code key=value}: data (folder of the TSVs), work (scratch folder), preset (pbg | complex-n3 | wn18),
 * epochs, threads, partitions, dim, eval (true/false), lr, n3, all (all-negatives: true/false), reciprocal,
 * batch (edges per optimizer step; 0 = a step per chunk), evalEvery (filtered valid MRR after every N epochs; 0 = off),
 * shared (one draw of negatives for both sides: training.negatives.shared).
 * Run through {@code scripts/bench-train.sh}.
 */
public final class TrainBenchmark {

    private TrainBenchmark() {
    }

    public static void main(String[] argv) throws IOException {
        Map<String, String> a = new HashMap<>();
        for (String s : argv) {
            int eq = s.indexOf('=');
            a.put(s.substring(0, eq), s.substring(eq + 1));
        }
        Path data = Path.of(a.getOrDefault("data", "/work/shared/datasets/fb15k-237"));
        Path work = Path.of(a.getOrDefault("work", "/tmp/embark-bench"));
        String preset = a.getOrDefault("preset", "pbg");
        int epochs = Integer.parseInt(a.getOrDefault("epochs", "3"));
        int threads = Integer.parseInt(a.getOrDefault("threads", "2"));
        int partitions = Integer.parseInt(a.getOrDefault("partitions", "1"));
        boolean eval = Boolean.parseBoolean(a.getOrDefault("eval", "false"));

        FileSystem fs = GraphFixture.localFs();
        org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(work.resolve(data.getFileName() + "-p" + partitions).toString());
        long t0 = System.nanoTime();
        ImportedGraph graph = a.containsKey("generate")
                ? generated(fs, new org.apache.hadoop.fs.Path(work.resolve("gen-" + a.get("generate") + "-p" + partitions).toString()),
                        a.get("generate"), partitions)
                : buildDataset(fs, data, root, partitions);
        System.out.printf("dataset: %,d train edges, %,d entities, %d relations, built in %.1f s%n",
                graph.manifest().split("train").edges(), graph.manifest().entityTypes().get(0).count(),
                graph.manifest().relations().size(), (System.nanoTime() - t0) / 1e9);

        ModelConfig model;
        TrainingConfig training;
        switch (preset) {
            case "pbg" -> {
                // PyTorch-BigGraph's FB15k config: d 400 complex_diagonal + dot, softmax, chunks of 50 + 1000 uniform
                // negatives, lr 0.1, init scale 1e-3, dynamic relations (= an operator per relation and direction).
                // The reference lists N3 with coefficient 1e-3 (n3=0 turns it off).
                int dim = Integer.parseInt(a.getOrDefault("dim", "400"));
                double n3 = Double.parseDouble(a.getOrDefault("n3", "0.001"));
                model = ModelConfig.simple(dim, OperatorType.COMPLEX_DIAGONAL, ComparatorType.DOT, true).withInitScale(1e-3);
                if (n3 > 0) {
                    model = model.withRegularizer(RegularizerType.N3, n3);
                }
                training = TrainingConfig.defaults(epochs, NegativesConfig.pbg(50, Integer.parseInt(a.getOrDefault("uniform", "1000"))));
            }
            case "complex-n3" -> {
                int dim = Integer.parseInt(a.getOrDefault("dim", "400"));
                double n3 = Double.parseDouble(a.getOrDefault("n3", "0.005"));
                boolean all = Boolean.parseBoolean(a.getOrDefault("all", "false"));
                model = ModelConfig.simple(dim, OperatorType.COMPLEX_DIAGONAL, ComparatorType.DOT, true).withInitScale(1e-3)
                        .withRegularizer(RegularizerType.N3, n3);
                NegativesConfig neg = all ? new NegativesConfig(Integer.parseInt(a.getOrDefault("chunk", "500")), false, 0, true, true, true)
                        : NegativesConfig.pbg(Integer.parseInt(a.getOrDefault("chunk", "50")), Integer.parseInt(a.getOrDefault("uniform", "1000")));
                training = TrainingConfig.defaults(epochs, neg);
            }
            case "wn18" -> {
                int dim = Integer.parseInt(a.getOrDefault("dim", "200"));
                model = ModelConfig.simple(dim, OperatorType.COMPLEX_DIAGONAL, ComparatorType.DOT, true).withInitScale(1e-3)
                        .withRegularizer(RegularizerType.N3, Double.parseDouble(a.getOrDefault("n3", "0.0001")));
                training = TrainingConfig.defaults(epochs, NegativesConfig.pbg(50, Integer.parseInt(a.getOrDefault("uniform", "1000"))));
            }
            case "dot100" -> {
                // the second throughput figure: a dot model of dimension 100 with 100 negatives per edge
                // (50 from the chunk, 50 uniform), operator none, on a generated graph
                model = ModelConfig.simple(Integer.parseInt(a.getOrDefault("dim", "100")), OperatorType.NONE, ComparatorType.DOT, false)
                        .withInitScale(1e-3);
                training = TrainingConfig.defaults(epochs, NegativesConfig.pbg(50, Integer.parseInt(a.getOrDefault("uniform", "50"))));
            }
            default -> throw new IllegalArgumentException("preset: '" + preset + "' (expected pbg, complex-n3, wn18, dot100)");
        }
        double lr = Double.parseDouble(a.getOrDefault("lr", "0.1"));
        training = training.withThreads(threads).withLearningRates(lr, lr).withLoss(LossType.SOFTMAX, 0.1)
                .withBatchSize(Integer.parseInt(a.getOrDefault("batch", "0")));
        training = training.withNegatives(training.negatives().withShared(Boolean.parseBoolean(a.getOrDefault("shared", "false"))));

        org.apache.hadoop.fs.Path ckpt = new org.apache.hadoop.fs.Path(work.resolve("ckpt-" + preset + "-" + System.nanoTime()).toString());
        CheckpointStore store = new CheckpointStore(fs, ckpt);
        long trainStart = System.nanoTime();
        int evalEvery = Integer.parseInt(a.getOrDefault("evalEvery", "0"));
        EpochEvaluator evaluator = evalEvery <= 0 ? EpochEvaluator.NONE : new EpochValidation(graph,
                new RankingOptions("valid", List.of("train", "valid", "test"), new Candidates.All()), Long.MAX_VALUE, evalEvery, epochs);
        List<EpochStats> stats = Trainer.train(graph, model, training, store, evaluator);
        double trainSecs = (System.nanoTime() - trainStart) / 1e9;
        long edges = stats.stream().mapToLong(EpochStats::edges).sum();
        System.out.printf("RESULT preset=%s epochs=%d threads=%d partitions=%d shared=%s: %,d edges in %.1f s = %,.0f edges/s end to end "
                        + "(per epoch: %s)%n", preset, epochs, threads, partitions, training.negatives().shared(), edges, trainSecs, edges / trainSecs,
                stats.stream().map(s -> String.format("%,.0f", s.edgesPerSecond())).toList());
        if (eval) {
            long e0 = System.nanoTime();
            RankingMetrics m = new LinkPrediction(graph, TrainedModel.latest(store))
                    .filtered("test", List.of("train", "valid", "test"), Long.MAX_VALUE);
            System.out.printf("RESULT filtered test: %s (eval %.1f s)%n", m, (System.nanoTime() - e0) / 1e9);
        }
        fs.delete(ckpt, true);
    }

    /**
     * A generated single-relation graph, {@code generate=NODES:EDGES}: each edge joins a uniformly random node to a
     * node drawn from a skewed (power 2) distribution, so degrees are uneven as in real graphs. Written once, reused.
     */
    static ImportedGraph generated(FileSystem fs, org.apache.hadoop.fs.Path root, String spec, int partitions) throws IOException {
        if (fs.exists(new org.apache.hadoop.fs.Path(root, "manifest.json"))) {
            return ImportedGraph.open(fs, root);
        }
        String[] f = spec.split(":");
        int nodes = Integer.parseInt(f[0]);
        int edges = Integer.parseInt(f[1]);
        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        List<int[]> train = new ArrayList<>(edges);
        for (int i = 0; i < edges; i++) {
            double u = random.nextDouble();
            train.add(new int[] {random.nextInt(nodes), 0, (int) (u * u * nodes)});
        }
        List<String> names = new java.util.AbstractList<>() {
            @Override
            public String get(int i) {
                return "n" + i;
            }

            @Override
            public int size() {
                return nodes;
            }
        };
        Map<String, List<int[]>> splits = new LinkedHashMap<>();
        splits.put("train", train);
        return GraphFixture.write(fs, root, names, List.of("link"), partitions, splits);
    }

    /** Reads the TSV splits and writes them in Embark's layout (once; reused when the manifest is already there). */
    static ImportedGraph buildDataset(FileSystem fs, Path data, org.apache.hadoop.fs.Path root, int partitions) throws IOException {
        if (fs.exists(new org.apache.hadoop.fs.Path(root, "manifest.json"))) {
            return ImportedGraph.open(fs, root);
        }
        Map<String, Integer> entities = new LinkedHashMap<>();
        Map<String, Integer> relations = new LinkedHashMap<>();
        Map<String, List<int[]>> splits = new LinkedHashMap<>();
        for (String split : List.of("train", "valid", "test")) {
            List<int[]> edges = new ArrayList<>();
            try (BufferedReader r = Files.newBufferedReader(data.resolve(split + ".txt"))) {
                String line;
                while ((line = r.readLine()) != null) {
                    String[] f = line.split("\t");
                    if (f.length != 3) {
                        continue;
                    }
                    int h = entities.computeIfAbsent(f[0], k -> entities.size());
                    int rel = relations.computeIfAbsent(f[1], k -> relations.size());
                    int t = entities.computeIfAbsent(f[2], k -> entities.size());
                    edges.add(new int[] {h, rel, t});
                }
            }
            splits.put(split, edges);
        }
        return GraphFixture.write(fs, root, new ArrayList<>(entities.keySet()), new ArrayList<>(relations.keySet()), partitions, splits);
    }
}
