package io.embark.jobs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The messages one logger ({@code System.Logger}, backed by java.util.logging in tests) received while some code ran. */
public final class LoggedLines {

    /** Code that may throw. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    private LoggedLines() {
    }

    /** Runs {@code body} and returns what the logger {@code name} got at INFO and above meanwhile. */
    public static List<String> during(String name, Body body) throws Exception {
        Logger jul = Logger.getLogger(name);
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                lines.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Level level = jul.getLevel();
        jul.setLevel(Level.INFO);
        jul.addHandler(h);
        try {
            body.run();
        } finally {
            jul.removeHandler(h);
            jul.setLevel(level);
        }
        return List.copyOf(lines);
    }
}
