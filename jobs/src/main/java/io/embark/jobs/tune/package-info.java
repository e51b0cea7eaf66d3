/**
 * The {@code tune} command: a hyperparameter search on the valid split. {@link io.embark.jobs.tune.SearchPlan} draws
 * the trials' configs and the rungs of successive halving (no Spark); {@link io.embark.jobs.tune.TuneJob} runs each
 * rung's trials as waves of Spark tasks ({@link io.embark.jobs.tune.TrialTask}: the trainer and the in-process valid
 * ranking of {@code train}), keeps every trial's result in {@code trials.json} ({@link io.embark.jobs.tune.TrialsFile})
 * so that a killed search resumes, and writes {@code best.conf} and {@code report.html}.
 */
package io.embark.jobs.tune;
