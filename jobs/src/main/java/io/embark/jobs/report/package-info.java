/**
 * The {@code report} command: training curves (loss, speed, MRR of evaluated checkpoints) as one self-contained HTML
 * page with inline SVG charts, written next to the checkpoints.
 */
package io.embark.jobs.report;
