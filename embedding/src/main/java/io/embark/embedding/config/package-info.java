/**
 * The trainer's configuration as immutable, validated records: {@link io.embark.embedding.config.ModelConfig}
 * (what is learned; must match to resume a checkpoint) and {@link io.embark.embedding.config.TrainingConfig} (how).
 * Every invalid value is refused at construction with its config key and the expected range.
 */
package io.embark.embedding.config;
