package io.embark.embedding.kernel;

import io.embark.embedding.model.RelationParameters;
import io.embark.embedding.optim.Adagrad;
import io.embark.embedding.storage.EmbeddingTable;
import io.embark.partitioning.Side;

/**
 * The per-chunk {@link Optimizer}: each chunk's gradients are applied as they arrive, row by row in the chunk's order
 * (an entity that appears twice gets two updates, the second seeing the first), then element-wise Adagrad on every
 * relation slot the chunk touched.
 */
public final class AdagradStep implements Optimizer {

    private final RelationParameters relations;
    private final StepSettings settings;

    public AdagradStep(RelationParameters relations, StepSettings settings) {
        this.relations = relations;
        this.settings = settings;
    }

    @Override
    public void add(Chunk chunk, ChunkGradients g) {
        int d = chunk.lhsTable.dim();
        float lr = settings.learningRate();
        float maxNorm = settings.maxNorm();
        EmbeddingTable lt = chunk.lhsTable;
        EmbeddingTable rt = chunk.rhsTable;
        for (int i = 0; i < chunk.size; i++) {
            Adagrad.rowUpdate(lt, chunk.lhs[i], g.lhs, i * d, lr, maxNorm);
            Adagrad.rowUpdate(rt, chunk.rhs[i], g.rhs, i * d, lr, maxNorm);
        }
        if (settings.predicts(Side.LHS)) {
            for (int j = 0; j < chunk.lhsNegativeCount; j++) {
                Adagrad.rowUpdate(lt, chunk.lhsNegatives[j], g.lhsNegatives, j * d, lr, maxNorm);
            }
        }
        if (settings.predicts(Side.RHS) && !chunk.sharedNegatives) {
            for (int j = 0; j < chunk.rhsNegativeCount; j++) {
                Adagrad.rowUpdate(rt, chunk.rhsNegatives[j], g.rhsNegatives, j * d, lr, maxNorm);
            }
        }
        if (settings.relationLearningRate() > 0) {
            for (int k = 0; k < g.relationCount(); k++) {
                int r = g.relationKey(k) / relations.slots();
                int slot = g.relationKey(k) % relations.slots();
                if (relations.frozen(r)) {
                    continue;
                }
                float[] p = relations.params(r, slot);
                Adagrad.elementUpdate(p, relations.state(r, slot), g.relationGradient(k), p.length, settings.relationLearningRate());
            }
        }
    }

    @Override
    public void flush() {
    }
}
