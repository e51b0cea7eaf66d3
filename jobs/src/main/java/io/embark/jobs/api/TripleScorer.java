package io.embark.jobs.api;

import io.embark.embedding.eval.TrainedModel;
import io.embark.jobs.eval.TaskInputs;
import io.embark.partitioning.Side;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.spark.sql.api.java.UDF3;
import scala.collection.Seq;

/**
 * The score of an edge (lhs, relation, rhs) under a checkpoint's operator and comparator, as a Spark SQL function of
 * the relation id and the two embeddings: {@code score(query(relation, lhs), rhs)}, exactly as evaluation and
 * {@code embark neighbors} score a tail ({@link TrainedModel#query}, {@link TrainedModel#score}). Each executor opens
 * the checkpoint's relation parameters once ({@link TaskInputs}); null in, null out.
 */
final class TripleScorer implements UDF3<Integer, Seq<Float>, Seq<Float>, Float> {

    private static final long serialVersionUID = 1L;

    private final TaskInputs inputs;
    private transient TrainedModel model;

    TripleScorer(TaskInputs inputs) {
        this.inputs = inputs;
    }

    @Override
    public Float call(Integer relation, Seq<Float> lhs, Seq<Float> rhs) {
        if (relation == null || lhs == null || rhs == null) {
            return null;
        }
        float[] l = floats(lhs);
        float[] r = floats(rhs);
        float[] q = new float[l.length];
        TrainedModel m = model();
        m.query(relation, Side.RHS, l, 0, q, 0);
        return m.score(q, 0, r, 0, r.length);
    }

    private synchronized TrainedModel model() {
        if (model == null) {
            try {
                model = inputs.model();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return model;
    }

    private static float[] floats(Seq<Float> s) {
        float[] out = new float[s.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = s.apply(i);
        }
        return out;
    }
}
