package io.embark.allreduce;

import io.embark.allreduce.cost.CostModel;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link Communicator} runs. Every rank of a job must use equal options (segmenting and
 * algorithm choice must agree on all sides).
 *
 * @param timeout        bound on every operation; a rank whose peer died fails within it
 * @param algorithm      which schedule to run
 * @param segmentBytes   cut transfers into segments of this many bytes; empty: the transport's preference
 * @param pipelineDepth  segments in flight per direction and step
 * @param costs          where the cost model's alpha and beta come from
 * @param asyncThreads   threads that run the asynchronous forms (several operations in flight)
 */
public record CommunicatorOptions(Duration timeout, AlgorithmChoice algorithm, Optional<Integer> segmentBytes,
                                  int pipelineDepth, CostModelChoice costs, int asyncThreads) {

    public CommunicatorOptions {
        Objects.requireNonNull(timeout, "allreduce.timeout");
        Objects.requireNonNull(algorithm, "allreduce.algorithm");
        Objects.requireNonNull(segmentBytes, "allreduce.segmentBytes");
        Objects.requireNonNull(costs, "allreduce.costs");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("allreduce.timeout: " + timeout + " (expected > 0)");
        }
        if (segmentBytes.isPresent() && segmentBytes.get() < 8) {
            throw new IllegalArgumentException("allreduce.segmentBytes: " + segmentBytes.get() + " (expected >= 8)");
        }
        if (pipelineDepth < 1) {
            throw new IllegalArgumentException("allreduce.pipelineDepth: " + pipelineDepth + " (expected >= 1)");
        }
        if (asyncThreads < 1) {
            throw new IllegalArgumentException("allreduce.asyncThreads: " + asyncThreads + " (expected >= 1)");
        }
    }

    /** 60 s timeout, automatic algorithm, transport's segment size, 4 segments in flight, default costs, 2 async threads. */
    public static CommunicatorOptions defaults() {
        return new CommunicatorOptions(Duration.ofSeconds(60), AlgorithmChoice.AUTO, Optional.empty(), 4,
                CostModelChoice.configured(CostModel.uniform(CostModel.LOOPBACK_TCP)), 2);
    }

    public CommunicatorOptions withTimeout(Duration t) {
        return new CommunicatorOptions(t, algorithm, segmentBytes, pipelineDepth, costs, asyncThreads);
    }

    public CommunicatorOptions withAlgorithm(AlgorithmChoice a) {
        return new CommunicatorOptions(timeout, a, segmentBytes, pipelineDepth, costs, asyncThreads);
    }

    public CommunicatorOptions withSegmentBytes(int bytes) {
        return new CommunicatorOptions(timeout, algorithm, Optional.of(bytes), pipelineDepth, costs, asyncThreads);
    }

    public CommunicatorOptions withPipelineDepth(int depth) {
        return new CommunicatorOptions(timeout, algorithm, segmentBytes, depth, costs, asyncThreads);
    }

    public CommunicatorOptions withCosts(CostModelChoice c) {
        return new CommunicatorOptions(timeout, algorithm, segmentBytes, pipelineDepth, c, asyncThreads);
    }

    public CommunicatorOptions withAsyncThreads(int n) {
        return new CommunicatorOptions(timeout, algorithm, segmentBytes, pipelineDepth, costs, n);
    }
}
