package io.embark.jobs.api;

import io.embark.embedding.eval.Neighbors;
import io.embark.jobs.eval.TaskInputs;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Answers one Spark partition of queries with {@link Neighbors}, the code of {@code embark neighbors}: for each query
 * row, the {@code k} likeliest tails of (src, relation, ?) under the model's operator and comparator, or without a
 * relation the {@code k} entities most cosine-similar to src. Each task opens the dataset and the checkpoint itself and
 * scans every candidate partition per query, so the candidates never pass through the driver. A query naming an entity
 * or relation the model does not know has no answer rows.
 */
final class NearestTask implements FlatMapFunction<Iterator<Row>, Row> {

    private static final long serialVersionUID = 1L;

    private final TaskInputs inputs;
    private final int srcIndex;
    private final int relationIndex;
    private final String similarType;
    private final int k;

    /**
     * @param relationIndex the relation column's index in the query rows, or -1: every query asks for similar entities
     * @param similarType   the entity type of similarity queries
     */
    NearestTask(TaskInputs inputs, int srcIndex, int relationIndex, String similarType, int k) {
        this.inputs = inputs;
        this.srcIndex = srcIndex;
        this.relationIndex = relationIndex;
        this.similarType = similarType;
        this.k = k;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> queries) throws Exception {
        Neighbors neighbors = new Neighbors(inputs.graph(), inputs.model());
        List<Row> out = new ArrayList<>();
        while (queries.hasNext()) {
            Row q = queries.next();
            if (q.isNullAt(srcIndex)) {
                continue;
            }
            String src = String.valueOf(q.get(srcIndex));
            Optional<String> relation = relationIndex < 0 || q.isNullAt(relationIndex) ? Optional.empty()
                    : Optional.of(String.valueOf(q.get(relationIndex)));
            List<Neighbors.Neighbor> answer;
            try {
                answer = relation.isPresent() ? neighbors.tails(src, relation.get(), k, false) : neighbors.similar(similarType, src, k);
            } catch (Neighbors.UnknownName e) {
                continue;
            }
            for (int i = 0; i < answer.size(); i++) {
                Object[] values = new Object[q.length() + 3];
                for (int c = 0; c < q.length(); c++) {
                    values[c] = q.get(c);
                }
                values[q.length()] = i + 1;
                values[q.length() + 1] = answer.get(i).name();
                values[q.length() + 2] = answer.get(i).score();
                out.add(RowFactory.create(values));
            }
        }
        return out.iterator();
    }
}
