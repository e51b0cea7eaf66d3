package io.embark.jobs.api;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A planted graph for the API's tests: 300 nodes {@code n0..n299} in 10 clusters (node mod 10); each node
 * {@code likes} 10 nodes of its cluster and {@code follows} 10 nodes of the next cluster. A like of every third node is
 * held out, to measure what a model learned.
 *
 * @param train   the training edges ({@code src, relation, dst, weight})
 * @param heldOut the held-out likes, same columns
 */
record PlantedEdges(List<Row> train, List<Row> heldOut) {

    static final StructType SCHEMA = new StructType().add("src", DataTypes.StringType).add("relation", DataTypes.StringType)
            .add("dst", DataTypes.StringType).add("weight", DataTypes.DoubleType);

    static PlantedEdges generate(long seed) {
        Random random = new Random(seed);
        List<Row> train = new ArrayList<>();
        List<Row> heldOut = new ArrayList<>();
        for (int u = 0; u < 300; u++) {
            for (int e = 0; e < 10; e++) {
                Row like = RowFactory.create("n" + u, "likes", "n" + (u % 10 + 10 * random.nextInt(30)), 1.0);
                (e == 0 && u % 3 == 0 ? heldOut : train).add(like);
                train.add(RowFactory.create("n" + u, "follows", "n" + ((u % 10 + 1) % 10 + 10 * random.nextInt(30)), 1.0));
            }
        }
        return new PlantedEdges(train, heldOut);
    }

    /** The training edges as TSV lines {@code src TAB relation TAB dst}. */
    String tsv() {
        StringBuilder sb = new StringBuilder();
        for (Row r : train) {
            sb.append(r.getString(0)).append('\t').append(r.getString(1)).append('\t').append(r.getString(2)).append('\n');
        }
        return sb.toString();
    }

    /**
     * The fraction of held-out likes (h, likes, t) whose t is among {@code model.nearest}'s 10 likeliest tails of
     * (h, likes). Chance: 10 of 300 candidates = 0.033; knowing the planted cluster (30 nodes) alone gives 10/30 = 0.33.
     */
    double hitsAt10(SparkSession spark, EmbarkModel model) {
        Set<String> truth = new HashSet<>();
        List<Row> queries = new ArrayList<>();
        for (Row r : heldOut) {
            truth.add(r.getString(0) + " " + r.getString(2));
            queries.add(RowFactory.create(r.getString(0), r.getString(1)));
        }
        StructType schema = new StructType().add("src", DataTypes.StringType).add("relation", DataTypes.StringType);
        Set<String> hit = new HashSet<>();
        for (Row a : model.nearest(spark.createDataFrame(queries, schema), 10).collectAsList()) {
            String pair = a.getString(0) + " " + a.getString(3);
            if (truth.contains(pair)) {
                hit.add(pair);
            }
        }
        return (double) hit.size() / truth.size();
    }
}
