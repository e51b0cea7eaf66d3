/**
 * Progress of Spark stages on the driver: {@link io.embark.jobs.progress.StageProgress}, opened around a Spark action,
 * logs every interval the running stages, their tasks done and the records (edges, rankings, rows) counted so far,
 * with a rate and an ETA. {@link io.embark.jobs.progress.StageTracker} keeps the counts (plain Java, fed by
 * {@link io.embark.jobs.progress.StageListener}, Spark's listener events).
 */
package io.embark.jobs.progress;
