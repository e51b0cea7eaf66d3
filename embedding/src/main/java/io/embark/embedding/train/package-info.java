/**
 * Training: {@link io.embark.embedding.train.Trainer} runs the epochs and commits a checkpoint per epoch; each epoch's
 * work is the one {@link io.embark.embedding.train.TrainingLoop} on one worker or W ({@link
 * io.embark.embedding.train.EpochRunner}), which holds only its current (and prefetched next) bucket's tables in
 * memory and trains each bucket with HOGWILD threads. No Spark here: a Spark task or a test calls it.
 */
package io.embark.embedding.train;
