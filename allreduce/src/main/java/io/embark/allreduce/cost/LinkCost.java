package io.embark.allreduce.cost;

/**
 * The alpha-beta cost of one link: sending {@code n} bytes takes {@code alpha + n * beta} seconds.
 *
 * @param alphaSeconds latency per message (start-up), seconds
 * @param betaSecondsPerByte inverse bandwidth, seconds per byte
 */
public record LinkCost(double alphaSeconds, double betaSecondsPerByte) {
    public LinkCost {
        if (!(alphaSeconds >= 0) || !(betaSecondsPerByte >= 0)) {
            throw new IllegalArgumentException("link cost: alpha " + alphaSeconds + " s, beta " + betaSecondsPerByte
                    + " s/B (expected both >= 0)");
        }
    }

    /** From a latency in microseconds and a bandwidth in GB/s (10^9 bytes per second). */
    public static LinkCost of(double latencyMicros, double gigabytesPerSecond) {
        return new LinkCost(latencyMicros * 1e-6, 1.0 / (gigabytesPerSecond * 1e9));
    }

    public double seconds(double bytes) {
        return alphaSeconds + bytes * betaSecondsPerByte;
    }

    public double gigabytesPerSecond() {
        return 1e-9 / betaSecondsPerByte;
    }

    @Override
    public String toString() {
        return String.format("alpha %.1f us, %.2f GB/s", alphaSeconds * 1e6, gigabytesPerSecond());
    }
}
