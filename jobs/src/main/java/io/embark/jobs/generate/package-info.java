/** The {@code generate} command: synthetic edge files (R-MAT or planted clusters), written in parallel by Spark tasks. */
package io.embark.jobs.generate;
