package io.embark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embark.jobs.config.ConfigException;
import io.embark.jobs.imports.BadInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the command line prints for a failed run: one line, the right exit code, a stack trace only with --verbose. */
class MainReportTest {

    private record Printed(int code, String err) {
    }

    private static Printed report(Throwable e, boolean verbose) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = Main.report(e, verbose, Interruption.notWatching());
            return new Printed(code, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(old);
        }
    }

    @Test
    void bad_input_wrapped_by_spark_is_one_line_and_exit_2() {
        String msg = "file:/in/train.tsv:2: expected 3 fields separated by TAB, found 2";
        Throwable wrapped = new IOException("import failed: Job aborted due to stage failure: ...\nDriver stacktrace:",
                new RuntimeException("Job aborted", new BadInputException(msg)));
        Printed p = report(wrapped, false);
        assertEquals(2, p.code());
        assertEquals("embark: " + msg + System.lineSeparator(), p.err());
        Printed v = report(wrapped, true);
        assertEquals(2, v.code());
        assertTrue(v.err().startsWith("embark: " + msg) && v.err().contains("\tat "), "--verbose adds the trace: " + v.err());
    }

    @Test
    void config_errors_are_one_line_and_exit_2() {
        Printed p = report(new IllegalStateException("stage failed", new ConfigException("training.epochs: 0 (expected >= 1)")), false);
        assertEquals(2, p.code());
        assertEquals("embark: training.epochs: 0 (expected >= 1)" + System.lineSeparator(), p.err());
    }

    @Test
    void other_failures_name_the_innermost_cause_on_one_line() {
        Printed p = report(new IOException("train failed: Job aborted due to stage failure\nDriver stacktrace:\n\tat x",
                new OutOfMemoryError("Java heap space")), false);
        assertEquals(1, p.code());
        assertEquals(1, p.err().lines().count(), p.err());
        assertTrue(p.err().startsWith("embark: failed: java.io.IOException: train failed: Job aborted due to stage failure (cause: "
                + "java.lang.OutOfMemoryError: Java heap space) [--verbose"), p.err());
    }
}
