package io.embark.jobs.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SvgChartTest {

    @Test
    void ticks_are_round_and_inside_the_range() {
        // range 0.37..0.92: raw step 0.11 -> 0.2; first multiple of 0.2 >= 0.37 is 0.4
        assertArrayEquals(new double[] {0.4, 0.6, 0.8}, SvgChart.ticks(0.37, 0.92), 1e-12);
        // epochs 1..8: raw step 1.4 -> 2
        assertArrayEquals(new double[] {2, 4, 6, 8}, SvgChart.ticks(1, 8), 1e-12);
        assertArrayEquals(new double[] {0, 10_000, 20_000, 30_000}, SvgChart.ticks(0, 30_000), 1e-9);
    }

    @Test
    void a_single_point_still_draws_inside_the_canvas() {
        // one x value: the axis is padded to [2, 4], so x = 3 lands mid-plot, 70 + (640 - 70 - 20) / 2 = 345
        String svg = SvgChart.line("loss <a>", "x", "y", new double[] {3}, new double[] {0.5});
        assertTrue(svg.contains("<circle cx=\"345.0\""), svg);
        assertTrue(svg.contains("loss &lt;a&gt;"), "the title is escaped");
    }
}
