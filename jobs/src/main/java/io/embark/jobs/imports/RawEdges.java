package io.embark.jobs.imports;

import io.embark.jobs.config.BadLinePolicy;
import io.embark.jobs.config.DataConfig;
import io.embark.jobs.config.InputFormat;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * Reads one split's edge files into rows of {@link #SCHEMA}: the parsed edge with its entity types, or, for a line
 * that could not be used under {@code data.onBadLine = skip}, the reason in {@code bad}. Under {@code fail} a bad
 * line stops the job with a {@link BadInputException} naming the file and line.
 */
public final class RawEdges {

    public static final StructType SCHEMA = new StructType()
            .add("lhsType", DataTypes.IntegerType, true)
            .add("lhs", DataTypes.StringType, true)
            .add("rel", DataTypes.StringType, true)
            .add("rhsType", DataTypes.IntegerType, true)
            .add("rhs", DataTypes.StringType, true)
            .add("w", DataTypes.FloatType, false)
            .add("bad", DataTypes.StringType, true)
            .add("file", DataTypes.StringType, false)
            .add("pos", DataTypes.LongType, false)
            .add("text", DataTypes.StringType, true);

    private RawEdges() {
    }

    public static Dataset<Row> read(SparkSession spark, DataConfig data, RelationResolver relations, List<String> files) {
        if (data.format() == InputFormat.PARQUET) {
            return readParquet(spark, data, relations, files);
        }
        return spark.createDataFrame(textRows(spark, data, relations, files), SCHEMA);
    }

    /**
     * The same rows as Java objects, for passes that work on Java rows anyway: text input is parsed straight into
     * them, without the round trip through Spark's binary rows (a name encoded to UTF-8 and decoded again) that
     * {@link #read}{@code .javaRDD()} would cost per edge; Parquet is read as {@link #read} reads it.
     */
    public static JavaRDD<Row> javaRows(SparkSession spark, DataConfig data, RelationResolver relations, List<String> files) {
        return data.format() == InputFormat.PARQUET ? readParquet(spark, data, relations, files).javaRDD()
                : textRows(spark, data, relations, files);
    }

    private static JavaRDD<Row> textRows(SparkSession spark, DataConfig data, RelationResolver relations, List<String> files) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        HadoopConf confCopy = HadoopConf.of(conf);
        EdgeLineParser parser = new EdgeLineParser(data);
        boolean header = data.header();
        boolean fail = data.onBadLine() == BadLinePolicy.FAIL;
        String relationName = data.relationName();
        List<JavaRDD<Row>> parts = new ArrayList<>();
        for (String file : files) {
            JavaRDD<Row> rows = sc.newAPIHadoopFile(file, TextInputFormat.class, LongWritable.class, Text.class, conf)
                    .mapPartitions(it -> new LineRows(it, file, parser, relations, relationName, header, fail, confCopy));
            parts.add(rows);
        }
        return parts.size() == 1 ? parts.get(0) : sc.union(parts.toArray(new JavaRDD[0]));
    }

    /** Lines of one partition of one file to rows; blank lines and the header line are skipped. */
    private static final class LineRows implements Iterator<Row> {
        private final Iterator<Tuple2<LongWritable, Text>> lines;
        private final String file;
        private final EdgeLineParser parser;
        private final RelationResolver relations;
        private final String relationName;
        private final boolean header;
        private final boolean fail;
        private final HadoopConf conf;
        private Row next;

        LineRows(Iterator<Tuple2<LongWritable, Text>> lines, String file, EdgeLineParser parser, RelationResolver relations,
                 String relationName, boolean header, boolean fail, HadoopConf conf) {
            this.lines = lines;
            this.file = file;
            this.parser = parser;
            this.relations = relations;
            this.relationName = relationName;
            this.header = header;
            this.fail = fail;
            this.conf = conf;
        }

        @Override
        public boolean hasNext() {
            while (next == null && lines.hasNext()) {
                Tuple2<LongWritable, Text> t = lines.next();
                long pos = t._1().get();
                if (header && pos == 0) {
                    continue;
                }
                String line = t._2().toString();
                if (line.endsWith("\r")) {
                    line = line.substring(0, line.length() - 1);
                }
                if (line.isBlank()) {
                    continue;
                }
                next = toRow(line, pos);
            }
            return next != null;
        }

        private Row toRow(String line, long pos) {
            try {
                EdgeLineParser.Fields f = parser.parse(line);
                String rel = f.relation() == null ? relationName : f.relation();
                int[] sides = relations.sides(rel);
                return RowFactory.create(sides[0], f.lhs(), rel, sides[1], f.rhs(), f.weight(), null, file, pos, null);
            } catch (EdgeLineParser.LineProblem p) {
                if (fail) {
                    long lineNo = LineLocator.lineNumber(conf.get(), file, pos);
                    throw new BadInputException(file + ":" + lineNo + ": " + p.getMessage() + " in line '" + BadLines.clip(line)
                            + "' (set data.onBadLine = skip to skip such lines)");
                }
                return RowFactory.create(null, null, null, null, null, 1f, p.getMessage(), file, pos, BadLines.clip(line));
            }
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Row r = next;
            next = null;
            return r;
        }
    }

    /**
     * Parquet (or any columnar table Spark reads) as Spark expressions, never as Java rows: the columns, whose types
     * {@link ParquetColumns} checked first, are cast to names and a weight, each row's problem (a null column, a weight
     * outside {@link EdgeWeight}'s range, an unknown relation) is one expression, and only the relation's entity types
     * go through a small function. Spark therefore reads only the columns each pass needs (the relation names' pass
     * reads one) and keeps its own binary rows instead of building a Java row per edge and converting it back (0.95x
     * the import time at 10M edges from one file, docs/BENCHMARKS.md).
     */
    private static Dataset<Row> readParquet(SparkSession spark, DataConfig data, RelationResolver relations, List<String> files) {
        Dataset<Row> df = spark.read().parquet(files.toArray(new String[0]));
        ParquetColumns.check(spark, data, files, df.schema());
        // Plain strings for the closures: DataConfig holds Optionals, which are not serializable.
        String lhsCol = data.lhsColumn();
        String relCol = data.relationColumn().orElse("");
        String rhsCol = data.rhsColumn();
        String weightCol = data.weightColumn().orElse("");
        Column lhs = functions.col(lhsCol).cast("string");
        Column rel = data.relationColumn().map(c -> functions.col(c).cast("string")).orElse(functions.lit(data.relationName()));
        Column rhs = functions.col(rhsCol).cast("string");
        Column w = data.weightColumn().map(c -> functions.col(c).cast("float")).orElse(functions.lit(1f));
        // (lhs type << 32 | rhs type) of a relation, null for one the schema does not know
        UserDefinedFunction sides = functions.udf((UDF1<String, Long>) name -> {
            try {
                int[] t = relations.sides(name);
                return ((long) t[0] << 32) | (t[1] & 0xffffffffL);
            } catch (EdgeLineParser.LineProblem p) {
                return null;
            }
        }, DataTypes.LongType);
        UserDefinedFunction unknownRelation = functions.udf((UDF1<String, String>) name -> {
            try {
                relations.sides(name);
                return null;
            } catch (EdgeLineParser.LineProblem p) {
                return p.getMessage();
            }
        }, DataTypes.StringType);
        Dataset<Row> typed = df.select(lhs.as("l"), rel.as("r"), rhs.as("h"), w.as("w"), functions.input_file_name().as("file"))
                .withColumn("sides", functions.when(functions.col("r").isNotNull(), sides.apply(functions.col("r"))));
        Column wc = functions.col("w");
        Column weightProblem = EdgeWeight.problem(wc);
        Column problem = functions.when(functions.col("l").isNull(), functions.lit("null lhs in column '" + lhsCol + "'"))
                .when(functions.col("r").isNull(), functions.lit("null relation in column '" + relCol + "'"))
                .when(functions.col("h").isNull(), functions.lit("null rhs in column '" + rhsCol + "'"))
                .when(wc.isNull(), functions.lit("null weight in column '" + weightCol + "' (" + EdgeWeight.EXPECTED + ")"))
                .when(weightProblem.isNotNull(), functions.concat(functions.lit("weight "), wc.cast("string"),
                        functions.lit(" in column '" + weightCol + "' "), weightProblem, functions.lit(" (" + EdgeWeight.EXPECTED + ")")))
                .when(functions.col("sides").isNull(), unknownRelation.apply(functions.col("r")));
        Column text = functions.concat_ws(", ", functions.coalesce(functions.col("l"), functions.lit("null")),
                functions.coalesce(functions.col("r"), functions.lit("null")), functions.coalesce(functions.col("h"), functions.lit("null")),
                functions.coalesce(wc.cast("string"), functions.lit("null")));
        Column bad = problem;
        if (data.onBadLine() == BadLinePolicy.FAIL) {
            UserDefinedFunction refuse = functions.udf((UDF3<String, String, String, String>) (why, file, row) -> {
                throw new BadInputException(file + ": " + why + " in row [" + row + "] (set data.onBadLine = skip to skip such rows)");
            }, DataTypes.StringType);
            bad = functions.when(problem.isNotNull(), refuse.apply(problem, functions.col("file"), text));
        }
        Dataset<Row> checked = typed.withColumn("bad", bad);
        Column good = functions.col("bad").isNull();
        return checked.select(
                functions.when(good, functions.shiftRight(functions.col("sides"), 32).cast("int")).as("lhsType"),
                functions.when(good, functions.col("l")).as("lhs"),
                functions.when(good, functions.col("r")).as("rel"),
                functions.when(good, functions.col("sides").cast("int")).as("rhsType"),
                functions.when(good, functions.col("h")).as("rhs"),
                functions.when(good, wc).otherwise(functions.lit(1f)).as("w"),
                functions.col("bad"),
                functions.col("file"),
                functions.lit(-1L).as("pos"),
                functions.when(functions.col("bad").isNotNull(), BadLines.clipColumn(text)).as("text"));
    }
}
