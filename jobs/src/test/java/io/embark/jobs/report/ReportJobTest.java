package io.embark.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embark.jobs.TrainedWorkspace;
import io.embark.jobs.eval.EvalJob;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The report is one self-contained page with a loss point per epoch and an MRR point per eval run. */
@Timeout(600)
class ReportJobTest {

    @Test
    void the_headline_is_the_newest_test_run_against_all_entities_and_says_so() {
        Map<String, Object> exact = Map.of("split", "test", "candidates", "all", "filtered", true, "checkpoint_version", 1);
        Map<String, Object> sampledLater = Map.of("split", "test", "candidates", "1000 sampled", "filtered", true, "checkpoint_version", 2);
        Map<String, Object> validLater = Map.of("split", "valid", "candidates", "all", "filtered", false, "checkpoint_version", 2);
        assertEquals(exact, ReportJob.headline(List.of(exact, sampledLater, validLater)), "a later sampled or valid run does not lead");
        assertEquals("test split, filtered, ranked against all entities", ReportJob.label(exact));
        // without an exact test run: the newest, labelled for what it is
        assertEquals(validLater, ReportJob.headline(List.of(sampledLater, validLater)));
        assertEquals("valid split, raw, ranked against all entities", ReportJob.label(validLater));
        assertEquals("test split, filtered, ranked against 1000 sampled candidates", ReportJob.label(sampledLater));
    }

    @Test
    void the_report_plots_every_epoch_and_every_eval_run_without_network() throws Exception {
        EvalJob.run(TrainedWorkspace.spark(), TrainedWorkspace.config("eval.version=1"));
        EvalJob.run(TrainedWorkspace.spark(), TrainedWorkspace.config());
        org.apache.hadoop.fs.Path out = ReportJob.run(new Configuration(), TrainedWorkspace.config());
        assertEquals(TrainedWorkspace.dir().resolve("checkpoints/report.html").toString(), out.toString());
        String html = Files.readString(TrainedWorkspace.dir().resolve("checkpoints/report.html"));
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        Matcher polylines = Pattern.compile("<polyline [^>]*points=\"([^\"]*)\"").matcher(html);
        assertTrue(polylines.find(), "a loss curve");
        assertEquals(2, polylines.group(1).split(" ").length, "one point per epoch: " + polylines.group(1));
        assertTrue(html.contains("MRR (filtered, test, all candidates) per eval run"), "the MRR of the eval runs is plotted");
        assertTrue(html.contains("<h2>Newest metrics: test split, filtered, ranked against all entities</h2>"), "labelled headline");
        assertTrue(polylines.find(), "a speed curve");
        assertTrue(polylines.find(), "an MRR curve");
        assertTrue(polylines.group(1).split(" ").length >= 2, "one point per eval run (after epochs 1 and 2): " + polylines.group(1));
        assertFalse(html.contains("<script") || html.contains("src=") || html.contains("href="), "nothing to fetch or run");
        try (var s = Files.list(TrainedWorkspace.dir().resolve("checkpoints"))) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith("._tmp")), "no temporary file left");
        }
    }
}
