package io.embark.jobs.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses Embark's config files into a flat map from dotted keys to values (a String, or a List of Strings).
 *
 * <p>The format is a small subset of HOCON:
 * <pre>
 *   # comment            // comment
 *   data.format = tsv                      dotted keys
 *   data { delimiter = "\t", header = false }   blocks (commas or newlines separate entries)
 *   graph.entities.node.partitions: 4      ':' works like '='
 *   data.train = [ "a.tsv", "b.tsv" ]      lists
 * </pre>
 * Strings may be quoted ("..." with \t \n \\ \" escapes) or bare (up to the end of the line, a comma, or a brace).
 * In a bare value, {@code //} starts a comment only after a space or a tab: inside a word it is part of the value,
 * so that {@code workspace = hdfs://namenode:8020/embark} means what it says (HOCON would need it quoted, and a config
 * that forgot the quotes would silently name {@code hdfs:}). A key given twice keeps the last value, as in HOCON.
 */
public final class ConfigParser {

    private final String text;
    private final String source;
    private int pos;
    private int line = 1;

    private ConfigParser(String text, String source) {
        this.text = text;
        this.source = source;
    }

    /** Parses {@code text}; {@code source} (a file name) prefixes every error message. */
    public static Map<String, Object> parse(String text, String source) {
        ConfigParser p = new ConfigParser(text, source);
        Map<String, Object> out = new LinkedHashMap<>();
        p.parseEntries("", out, false);
        return out;
    }

    private void parseEntries(String prefix, Map<String, Object> out, boolean inBlock) {
        while (true) {
            skipSpaceAndSeparators();
            if (pos >= text.length()) {
                if (inBlock) {
                    throw error("unclosed '{' (expected '}')");
                }
                return;
            }
            char c = text.charAt(pos);
            if (c == '}') {
                if (!inBlock) {
                    throw error("unexpected '}'");
                }
                pos++;
                return;
            }
            String key = readKey();
            skipInlineSpace();
            if (pos < text.length() && (text.charAt(pos) == '=' || text.charAt(pos) == ':')) {
                pos++;
                skipInlineSpace();
            }
            if (pos < text.length() && text.charAt(pos) == '{') {
                pos++;
                parseEntries(prefix + key + ".", out, true);
            } else {
                Object value = readValue(prefix + key);
                out.remove(prefix + key);
                out.put(prefix + key, value);
            }
        }
    }

    private String readKey() {
        int start = pos;
        if (text.charAt(pos) == '"') {
            return readQuoted();
        }
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.' || c == '*') {
                pos++;
            } else {
                break;
            }
        }
        if (start == pos) {
            throw error("expected a key, found '" + text.charAt(pos) + "'");
        }
        return text.substring(start, pos);
    }

    private Object readValue(String key) {
        if (pos >= text.length() || text.charAt(pos) == '\n') {
            throw error("key '" + key + "' has no value");
        }
        char c = text.charAt(pos);
        if (c == '[') {
            pos++;
            List<String> list = new ArrayList<>();
            while (true) {
                skipSpaceAndSeparators();
                if (pos >= text.length()) {
                    throw error("unclosed '[' in the value of '" + key + "'");
                }
                if (text.charAt(pos) == ']') {
                    pos++;
                    return List.copyOf(list);
                }
                list.add(readScalar(true));
            }
        }
        return readScalar(false);
    }

    private String readScalar(boolean inList) {
        if (text.charAt(pos) == '"') {
            return readQuoted();
        }
        int start = pos;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\n' || c == ',' || c == '}' || (inList && c == ']') || c == '#' || (text.startsWith("//", pos) && !insideWord(start))) {
                break;
            }
            pos++;
        }
        String v = text.substring(start, pos).strip();
        if (v.isEmpty()) {
            throw error("empty value");
        }
        return v;
    }

    /** Whether {@code pos} is inside a word of the value that began at {@code start} ({@code hdfs://}, {@code file:///}). */
    private boolean insideWord(int start) {
        return pos > start && text.charAt(pos - 1) != ' ' && text.charAt(pos - 1) != '\t';
    }

    private String readQuoted() {
        int startLine = line;
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= text.length() || text.charAt(pos) == '\n') {
                throw new ConfigException(source + ":" + startLine + ": unterminated string (expected a closing '\"')");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c == '\\' && pos < text.length()) {
                char n = text.charAt(pos++);
                switch (n) {
                    case 't' -> sb.append('\t');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case '\\' -> sb.append('\\');
                    case '"' -> sb.append('"');
                    default -> throw error("unknown escape '\\" + n + "' (expected \\t \\n \\r \\\\ or \\\")");
                }
            } else {
                sb.append(c);
            }
        }
    }

    private void skipInlineSpace() {
        while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t' || text.charAt(pos) == '\r')) {
            pos++;
        }
    }

    private void skipSpaceAndSeparators() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\n') {
                line++;
                pos++;
            } else if (c == ' ' || c == '\t' || c == '\r' || c == ',') {
                pos++;
            } else if (c == '#' || text.startsWith("//", pos)) {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else {
                return;
            }
        }
    }

    private ConfigException error(String message) {
        return new ConfigException(source + ":" + line + ": " + message);
    }
}
