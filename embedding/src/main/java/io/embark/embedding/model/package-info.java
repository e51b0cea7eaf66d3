/**
 * The model's math: relation {@link io.embark.embedding.model.Operator}s (with their adjoints), the
 * {@link io.embark.embedding.model.Comparator}s and {@link io.embark.embedding.model.Loss}es, and the relation
 * parameters. Every gradient here is checked against finite differences in the tests.
 */
package io.embark.embedding.model;
