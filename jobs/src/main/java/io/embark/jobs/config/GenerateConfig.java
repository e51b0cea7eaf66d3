package io.embark.jobs.config;

/**
 * Section {@code generate}: a synthetic graph written as text or Parquet edge files.
 *
 * @param output        directory to write ({@code train/}, {@code valid/}, {@code test/} under it)
 * @param model         rmat or clusters
 * @param nodes         number of nodes
 * @param edges         number of edges (before the valid/test split)
 * @param relations     number of relation types (names r0, r1, ...)
 * @param seed          random seed: the same seed and settings give the same files
 * @param format        tsv or parquet
 * @param files         number of files (and Spark tasks) per split
 * @param validFraction fraction of edges held out for validation
 * @param testFraction  fraction of edges held out for test
 * @param a             R-MAT probability of the top-left quadrant
 * @param b             R-MAT probability of the top-right quadrant
 * @param c             R-MAT probability of the bottom-left quadrant
 * @param clusters      number of clusters for the clusters model
 * @param noise         fraction of random edges for the clusters model
 * @param overwrite     replace an existing output
 */
public record GenerateConfig(
        String output,
        GeneratorModel model,
        long nodes,
        long edges,
        int relations,
        long seed,
        InputFormat format,
        int files,
        double validFraction,
        double testFraction,
        double a,
        double b,
        double c,
        int clusters,
        double noise,
        boolean overwrite) implements java.io.Serializable {

    static GenerateConfig read(ConfigReader r, String workspace) {
        InputFormat format = r.choice("generate.format", InputFormat.class, InputFormat.TSV);
        if (format == InputFormat.CSV) {
            throw new ConfigException("generate.format: 'csv' (expected tsv or parquet)");
        }
        double a = r.doubleValue("generate.rmat.a", 0.57, 0, 1);
        double b = r.doubleValue("generate.rmat.b", 0.19, 0, 1);
        double c = r.doubleValue("generate.rmat.c", 0.19, 0, 1);
        if (a + b + c > 1.0) {
            throw new ConfigException("generate.rmat.a + generate.rmat.b + generate.rmat.c: " + (a + b + c) + " (expected <= 1; d = 1 - a - b - c)");
        }
        double valid = r.doubleValue("generate.validFraction", 0.0, 0, 0.5);
        double test = r.doubleValue("generate.testFraction", 0.0, 0, 0.5);
        long edges = r.longValue("generate.edges", 100_000, 1, Long.MAX_VALUE);
        long nodes = r.longValue("generate.nodes", 10_000, 2, Long.MAX_VALUE);
        int clusters = r.integer("generate.clusters", 20, 1, Integer.MAX_VALUE);
        if (clusters > nodes) {
            throw new ConfigException("generate.clusters: " + clusters + " (expected <= generate.nodes = " + nodes + ")");
        }
        return new GenerateConfig(
                r.path("generate.output", workspace + "/generated/edges"),
                r.choice("generate.model", GeneratorModel.class, GeneratorModel.RMAT),
                nodes, edges,
                r.integer("generate.relations", 1, 1, 1 << 20),
                r.longValue("generate.seed", 1, Long.MIN_VALUE, Long.MAX_VALUE),
                format,
                r.integer("generate.files", Math.max(1, (int) Math.min(512, edges / 2_000_000)), 1, 100_000),
                valid, test, a, b, c, clusters,
                r.doubleValue("generate.noise", 0.1, 0, 1),
                r.bool("generate.overwrite", false));
    }
}
