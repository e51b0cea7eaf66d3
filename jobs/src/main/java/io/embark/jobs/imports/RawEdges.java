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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
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
        JavaRDD<Row> all = parts.size() == 1 ? parts.get(0) : sc.union(parts.toArray(new JavaRDD[0]));
        return spark.createDataFrame(all, SCHEMA);
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

    private static Dataset<Row> readParquet(SparkSession spark, DataConfig data, RelationResolver relations, List<String> files) {
        Dataset<Row> df = spark.read().parquet(files.toArray(new String[0]));
        List<String> have = List.of(df.columns());
        List<String> need = new ArrayList<>(List.of(data.lhsColumn(), data.rhsColumn()));
        data.relationColumn().ifPresent(need::add);
        data.weightColumn().ifPresent(need::add);
        for (String c : need) {
            if (!have.contains(c)) {
                throw new BadInputException(files + ": no column '" + c + "' (columns: " + have + "; set data.columns.*)");
            }
        }
        Dataset<Row> sel = df.select(
                functions.col(data.lhsColumn()).cast("string").as("l"),
                data.relationColumn().map(c -> functions.col(c).cast("string")).orElse(functions.lit(data.relationName())).as("r"),
                functions.col(data.rhsColumn()).cast("string").as("h"),
                data.weightColumn().map(c -> functions.col(c).cast("float")).orElse(functions.lit(1f)).as("w"),
                functions.input_file_name().as("f"));
        boolean fail = data.onBadLine() == BadLinePolicy.FAIL;
        // Plain strings for the closure: DataConfig holds Optionals, which are not serializable.
        String lhsCol = data.lhsColumn();
        String relCol = data.relationColumn().orElse("");
        String rhsCol = data.rhsColumn();
        String weightCol = data.weightColumn().orElse("");
        JavaRDD<Row> rows = sel.javaRDD().map(r -> {
            String problem = null;
            if (r.isNullAt(0)) {
                problem = "null lhs in column '" + lhsCol + "'";
            } else if (r.isNullAt(1)) {
                problem = "null relation in column '" + relCol + "'";
            } else if (r.isNullAt(2)) {
                problem = "null rhs in column '" + rhsCol + "'";
            } else if (r.isNullAt(3) || !Float.isFinite(r.getFloat(3))) {
                problem = "missing or non-finite weight in column '" + weightCol + "'";
            }
            int[] sides = null;
            if (problem == null) {
                try {
                    sides = relations.sides(r.getString(1));
                } catch (EdgeLineParser.LineProblem p) {
                    problem = p.getMessage();
                }
            }
            if (problem != null) {
                if (fail) {
                    throw new BadInputException(r.getString(4) + ": " + problem + " in row " + r
                            + " (set data.onBadLine = skip to skip such rows)");
                }
                return RowFactory.create(null, null, null, null, null, 1f, problem, r.getString(4), -1L, BadLines.clip(r.toString()));
            }
            return RowFactory.create(sides[0], r.getString(0), r.getString(1), sides[1], r.getString(2), r.getFloat(3), null,
                    r.getString(4), -1L, null);
        });
        return spark.createDataFrame(rows, SCHEMA);
    }
}
