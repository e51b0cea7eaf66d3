/**
 * Progress of long work, for people watching the log: {@link io.embark.embedding.progress.Progress} turns "done of
 * total after t seconds" into a percentage, a rate and an ETA, and {@link io.embark.embedding.progress.ProgressTimer}
 * logs a line through a {@link io.embark.embedding.progress.ProgressLog} every interval while the work runs. The
 * trainer feeds it from its HOGWILD threads; the Spark stages in {@code jobs} feed it from task metrics.
 */
package io.embark.embedding.progress;
