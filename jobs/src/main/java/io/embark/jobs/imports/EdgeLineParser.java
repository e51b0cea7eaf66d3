package io.embark.jobs.imports;

import io.embark.jobs.config.DataConfig;
import io.embark.jobs.config.InputFormat;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits one text line into the fields of an edge and checks them. Returns the fields, or throws
 * {@link LineProblem} with what was wrong ("expected 3 fields separated by TAB, found 2"); the caller adds the
 * file and line number. CSV fields may be double-quoted, with {@code ""} for a quote inside. A weight must follow
 * {@link EdgeWeight} (finite, > 0, at most 1e6).
 */
public final class EdgeLineParser implements Serializable {

    private static final long serialVersionUID = 1L;

    /** What is wrong with a line, without its location. */
    public static final class LineProblem extends Exception {
        private static final long serialVersionUID = 1L;

        public LineProblem(String message) {
            super(message, null, false, false);
        }
    }

    /** The parsed fields of one edge; {@code relation} is null when the input has no relation column. */
    public record Fields(String lhs, String relation, String rhs, float weight) {
    }

    private final char delimiter;
    private final String delimiterName;
    private final boolean csv;
    private final int columnCount;
    private final int lhs;
    private final int relation;
    private final int rhs;
    private final int weight;

    public EdgeLineParser(DataConfig data) {
        if (data.delimiter().length() != 1) {
            throw new IllegalArgumentException("data.delimiter: '" + data.delimiter() + "' (expected a single character)");
        }
        this.delimiter = data.delimiter().charAt(0);
        this.delimiterName = switch (delimiter) {
            case '\t' -> "TAB";
            case ' ' -> "SPACE";
            default -> "'" + delimiter + "'";
        };
        this.csv = data.format() == InputFormat.CSV;
        this.columnCount = data.columnCount();
        this.lhs = data.index(data.lhsColumn());
        this.relation = data.relationColumn().map(data::index).orElse(-1);
        this.rhs = data.index(data.rhsColumn());
        this.weight = data.weightColumn().map(data::index).orElse(-1);
    }

    public Fields parse(String line) throws LineProblem {
        List<String> f = csv ? splitCsv(line) : splitPlain(line);
        if (f.size() != columnCount) {
            throw new LineProblem("expected " + columnCount + " fields separated by " + delimiterName + ", found " + f.size());
        }
        String l = f.get(lhs);
        String r = f.get(rhs);
        if (l.isEmpty()) {
            throw new LineProblem("empty lhs entity in field " + lhs);
        }
        if (r.isEmpty()) {
            throw new LineProblem("empty rhs entity in field " + rhs);
        }
        String rel = null;
        if (relation >= 0) {
            rel = f.get(relation);
            if (rel.isEmpty()) {
                throw new LineProblem("empty relation in field " + relation);
            }
        }
        float w = 1f;
        if (weight >= 0) {
            String s = f.get(weight).trim();
            try {
                w = Float.parseFloat(s);
            } catch (NumberFormatException e) {
                throw new LineProblem("unparsable weight '" + s + "' in field " + weight + " (" + EdgeWeight.EXPECTED + ")");
            }
            String problem = EdgeWeight.problem(w);
            if (problem != null) {
                throw new LineProblem("weight '" + s + "' in field " + weight + " " + problem + " (" + EdgeWeight.EXPECTED + ")");
            }
        }
        return new Fields(l, rel, r, w);
    }

    private List<String> splitPlain(String line) {
        List<String> out = new ArrayList<>(columnCount);
        int start = 0;
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == delimiter) {
                out.add(line.substring(start, i));
                start = i + 1;
            }
        }
        out.add(line.substring(start));
        return out;
    }

    private List<String> splitCsv(String line) throws LineProblem {
        List<String> out = new ArrayList<>(columnCount);
        StringBuilder cur = new StringBuilder();
        int i = 0;
        while (true) {
            cur.setLength(0);
            if (i < line.length() && line.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= line.length()) {
                        throw new LineProblem("unterminated quoted field (expected a closing '\"')");
                    }
                    char c = line.charAt(i++);
                    if (c == '"') {
                        if (i < line.length() && line.charAt(i) == '"') {
                            cur.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        cur.append(c);
                    }
                }
                if (i < line.length() && line.charAt(i) != delimiter) {
                    throw new LineProblem("unexpected character after a quoted field (expected " + delimiterName + ")");
                }
            } else {
                while (i < line.length() && line.charAt(i) != delimiter) {
                    cur.append(line.charAt(i++));
                }
            }
            out.add(cur.toString());
            if (i >= line.length()) {
                return out;
            }
            i++;
        }
    }
}
