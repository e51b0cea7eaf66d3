package io.embark.embedding.config;

/**
 * How negatives are drawn for each chunk of {@code chunkSize} edges (PyTorch-BigGraph's scheme).
 *
 * <p>Example, chunkSize = 3, uniform = 2, rhs side: the candidates are the chunk's own rhs entities t0 t1 t2 plus two
 * entities u0 u1 drawn uniformly from the rhs partition, shared by the whole chunk; edge 1's positive is t1 and its
 * negatives are t0 t2 (batch negatives; any equal to t1 are skipped) and u0 u1. The chunk's scores are one
 * 3 x 5 matrix product.
 *
 * @param chunkSize edges per chunk: one optimizer step and one score matrix per chunk
 * @param batch     use the chunk's other edges' entities as negatives
 * @param uniform   entities drawn uniformly from the partition per chunk and side
 * @param lhs       corrupt the lhs (predict the head); false trains rhs prediction only
 * @param rhs       corrupt the rhs (predict the tail)
 * @param all       rank against every entity of the partition instead of uniform samples ({@code uniform} must be 0)
 * @param shared    when both sides are corrupted and draw from the same table (one entity type, a bucket on the
 *                  diagonal), draw one set of uniform negatives per chunk for both sides instead of one per side:
 *                  each side still gets {@code uniform} entities drawn uniformly from the partition, but the two sets
 *                  are the same, so the step gathers, scores in one product and updates each negative row once (with
 *                  the sum of both sides' gradients). In all-negatives mode the set is the partition either way, and
 *                  sharing only merges the two directions' updates of every row into one.
 * @param queryEntity  also score each edge's own query entity as a negative (l for (l, r, ?), t for (?, r, t)) when
 *                  the two sides have one entity type: evaluation keeps it as a candidate, and uniform draws almost
 *                  never pick it, so without this nothing in training pushes "the entity itself" below the answer
 * @param queryMargin  added to the score of every candidate that is the edge's own query entity, in the training loss
 *                  only (evaluation and {@code neighbors} score as before): the loss then asks the answer to beat the
 *                  query entity by this much more than any other candidate, so training pushes it further down. The
 *                  query entity is a candidate when the negatives are the whole partition that holds it
 *                  ({@code all}), when a uniform or batch negative happens to be it, and always with
 *                  {@code queryEntity}; 0 = off. With the softmax loss a margin of m weighs the query entity as
 *                  e^m candidates.
 */
public record NegativesConfig(int chunkSize, boolean batch, int uniform, boolean lhs, boolean rhs, boolean all, boolean shared,
                              boolean queryEntity, double queryMargin)
        implements java.io.Serializable {

    public NegativesConfig {
        if (chunkSize <= 0) {
            throw new IllegalArgumentException("training.negatives.chunkSize: " + chunkSize + " (expected > 0)");
        }
        if (uniform < 0) {
            throw new IllegalArgumentException("training.negatives.uniform: " + uniform + " (expected >= 0)");
        }
        if (!lhs && !rhs) {
            throw new IllegalArgumentException("training.negatives.lhs and training.negatives.rhs: both false (expected at least one side)");
        }
        if (all && uniform > 0) {
            throw new IllegalArgumentException("training.negatives.uniform: " + uniform
                    + " with training.negatives.all = true (all-negatives mode ranks against the whole partition; set uniform = 0)");
        }
        if (shared && !(lhs && rhs)) {
            throw new IllegalArgumentException("training.negatives.shared = true with training.negatives."
                    + (lhs ? "rhs" : "lhs") + " = false (one shared draw serves the negatives of both sides; set shared = false)");
        }
        if (!all && !batch && uniform == 0) {
            throw new IllegalArgumentException("training.negatives: batch = false and uniform = 0 leave no negatives");
        }
        if (!(queryMargin >= 0) || Double.isInfinite(queryMargin)) {
            throw new IllegalArgumentException("training.negatives.queryMargin: " + queryMargin + " (expected a finite number >= 0)");
        }
    }

    /** No query-entity margin. */
    public NegativesConfig(int chunkSize, boolean batch, int uniform, boolean lhs, boolean rhs, boolean all, boolean shared,
                           boolean queryEntity) {
        this(chunkSize, batch, uniform, lhs, rhs, all, shared, queryEntity, 0);
    }

    /** Separate negatives per side ({@code shared = false}), no query-entity negative. */
    public NegativesConfig(int chunkSize, boolean batch, int uniform, boolean lhs, boolean rhs, boolean all) {
        this(chunkSize, batch, uniform, lhs, rhs, all, false, false);
    }

    /** No query-entity negative. */
    public NegativesConfig(int chunkSize, boolean batch, int uniform, boolean lhs, boolean rhs, boolean all, boolean shared) {
        this(chunkSize, batch, uniform, lhs, rhs, all, shared, false);
    }

    /** The same scheme with {@code shared} set. */
    public NegativesConfig withShared(boolean shared) {
        return new NegativesConfig(chunkSize, batch, uniform, lhs, rhs, all, shared, queryEntity, queryMargin);
    }

    /** The same scheme with {@code queryEntity} set. */
    public NegativesConfig withQueryEntity(boolean queryEntity) {
        return new NegativesConfig(chunkSize, batch, uniform, lhs, rhs, all, shared, queryEntity, queryMargin);
    }

    /** The same scheme with {@code queryMargin} set. */
    public NegativesConfig withQueryMargin(double queryMargin) {
        return new NegativesConfig(chunkSize, batch, uniform, lhs, rhs, all, shared, queryEntity, queryMargin);
    }

    /** PyTorch-BigGraph's FB15k scheme: chunks of 50 that corrupt each other plus 1000 uniform negatives, both sides. */
    public static NegativesConfig pbg(int chunkSize, int uniform) {
        return new NegativesConfig(chunkSize, true, uniform, true, true, false);
    }
}
