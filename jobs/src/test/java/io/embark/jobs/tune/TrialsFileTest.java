package io.embark.jobs.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** trials.json: what is written is read back, and a change to any byte after the checksum line is refused. */
class TrialsFileTest {

    @TempDir
    java.nio.file.Path tmp;

    @Test
    void a_search_written_is_read_back_and_a_changed_byte_is_refused() throws Exception {
        FileSystem fs = FileSystem.getLocal(new Configuration()).getRawFileSystem(); // no .crc files: the CRC32C line alone guards
        Path out = new Path(tmp.toUri());
        Trial done = Trial.planned(0, Map.of("training.learningRate", "0.1"))
                .after(new TrialOutcome(0, 0, 1, 0.25, List.of(new Trial.CurvePoint(1, 0.25)), 3.25, 1, null))
                .after(new TrialOutcome(0, 1, 3, 0.375, List.of(new Trial.CurvePoint(1, 0.25), new Trial.CurvePoint(3, 0.375)), 5.5, 2, null));
        Trial failed = Trial.planned(1, Map.of("training.learningRate", "50")).after(TrialOutcome.failed(1, 0, 1, 0.5, "epoch 1: loss NaN"));
        Trial pending = Trial.planned(2, Map.of("training.learningRate", "0.01"));
        TrialsFile.Contents c = new TrialsFile.Contents(Map.of("model.dimension", "8"), List.of(1, 3), 12.5, List.of(done, failed, pending),
                Map.of(0, TrialStatus.DONE, 1, TrialStatus.FAILED, 2, TrialStatus.PENDING), Optional.of(done.results().get(1)), Optional.of(0));
        TrialsFile.write(fs, out, c);
        TrialsFile.Contents back = TrialsFile.read(fs, out).orElseThrow();
        assertEquals(c.search(), back.search());
        assertEquals(c.rungs(), back.rungs());
        assertEquals(c.elapsedSeconds(), back.elapsedSeconds());
        // seconds are kept to a tenth
        assertEquals(List.of(new Trial.RungResult(0, 1, 0.25, 3.3), new Trial.RungResult(1, 3, 0.375, 5.5)), back.trials().get(0).results());
        assertEquals(done.curve(), back.trials().get(0).curve());
        assertEquals(Optional.of("epoch 1: loss NaN"), back.trials().get(1).error());
        assertEquals(List.of(), back.trials().get(2).results());
        assertEquals(c.statuses(), back.statuses());
        assertEquals(Optional.of(0), back.best());

        java.nio.file.Path file = tmp.resolve(TrialsFile.FILE);
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Files.writeString(file, text.replace("0.375", "0.385"), StandardCharsets.UTF_8);
        IOException e = assertThrows(IOException.class, () -> TrialsFile.read(fs, out));
        assertTrue(e.getMessage().contains("trials.json: damaged (its CRC32C is"), e.getMessage());
        assertEquals(Optional.empty(), TrialsFile.read(fs, new Path(out, "elsewhere")));
    }
}
