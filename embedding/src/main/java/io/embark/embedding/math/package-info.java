/**
 * The trainer's innermost float loops (softmax over a row of scores, sums of squares, scaled row updates), written
 * twice: with the JDK's Vector API ({@link io.embark.embedding.math.VectorMath}, used when the JVM runs with
 * {@code --add-modules=jdk.incubator.vector}, as Spark's launcher, {@code scripts/embark} and the tests start it) and
 * as plain loops ({@link io.embark.embedding.math.FloatMath}'s scalar methods, the fallback and the reference).
 */
package io.embark.embedding.math;
