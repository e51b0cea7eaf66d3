package io.embark.jobs.api;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import scala.Option;
import scala.tools.nsc.Settings;
import scala.tools.nsc.interpreter.IMain;
import scala.tools.nsc.interpreter.Results;
import scala.tools.nsc.interpreter.shell.ReplReporterImpl;

/**
 * Runs Scala lines as spark-shell would, in this JVM: Scala's interpreter (the one spark-shell is built on) with the
 * bindings spark-shell makes before its prompt ({@code spark}, the active session; {@code sc}; {@code import
 * spark.implicits._}, {@code spark.sql} and {@code org.apache.spark.sql.functions._}), then each line of the snippet
 * in turn, a line that is not yet a complete statement carried over to the next, as at the prompt.
 */
final class SparkShellSnippet implements AutoCloseable {

    private static final List<String> SPARK_SHELL_INIT = List.of(
            "val spark = org.apache.spark.sql.SparkSession.builder().getOrCreate()",
            "val sc = spark.sparkContext",
            "import spark.implicits._",
            "import spark.sql",
            "import org.apache.spark.sql.functions._");

    private final StringWriter output = new StringWriter();
    private final IMain repl;

    SparkShellSnippet() throws IOException {
        Settings settings = new Settings();
        settings.classpath().value_$eq(classpath());
        repl = new IMain(settings, new ReplReporterImpl(settings, new PrintWriter(output, true)));
        for (String line : SPARK_SHELL_INIT) {
            run(line);
        }
    }

    /** Interprets {@code lines} as typed at the prompt; fails with the interpreter's output on an error. */
    void run(String... lines) {
        StringBuilder pending = new StringBuilder();
        for (String line : lines) {
            pending.append(line).append('\n');
            Results.Result r = repl.interpret(pending.toString());
            if (r instanceof Results.Incomplete$) {
                continue;
            }
            if (!(r instanceof Results.Success$)) {
                throw new AssertionError("spark-shell line failed: " + pending + "\n" + output);
            }
            pending.setLength(0);
        }
        if (pending.length() > 0) {
            throw new AssertionError("incomplete at the end: " + pending + "\n" + output);
        }
    }

    /** The value of a {@code val} the lines defined. */
    Object value(String name) {
        Option<Object> v = repl.valueOfTerm(name);
        if (v.isEmpty()) {
            throw new AssertionError("no value " + name + "\n" + output);
        }
        return v.get();
    }

    String output() {
        return output.toString();
    }

    @Override
    public void close() {
        repl.close();
    }

    /**
     * The test JVM's classpath for a compiler, with the jars that a manifest-only jar (surefire's) lists in its
     * {@code Class-Path} spelled out.
     */
    static String classpath() throws IOException {
        List<String> out = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            out.add(entry);
            if (!entry.endsWith(".jar")) {
                continue;
            }
            try (JarFile jar = new JarFile(entry)) {
                Manifest m = jar.getManifest();
                String cp = m == null ? null : m.getMainAttributes().getValue("Class-Path");
                if (cp != null) {
                    URI base = Path.of(entry).toUri();
                    for (String rel : cp.trim().split("\\s+")) {
                        out.add(Path.of(base.resolve(rel)).toString());
                    }
                }
            }
        }
        return String.join(File.pathSeparator, out);
    }
}
