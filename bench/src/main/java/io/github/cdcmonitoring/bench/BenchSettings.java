package io.github.cdcmonitoring.bench;

import java.util.List;

/**
 * Sizes of one run. The full run is scaled so that the three configurations and the write ceiling fit in about 20
 * minutes on 2 cores; the quick run exercises every step in about three minutes with figures too small to mean much.
 */
record BenchSettings(boolean quick, int drainEvents, int drainLimitSeconds, int liveWindowSeconds,
                     int latencyWindowSeconds, int warmupSeconds, int firstWindowWarmupSeconds, int sampleMillis,
                     List<Double> fixedRates,
                     List<Integer> percentOfLiveMax, int ceilingSliceSeconds, int ceilingRounds,
                     int ceilingWarmupSeconds) {

    static BenchSettings fullRun() {
        return new BenchSettings(false, 1_000_000, 300, 30, 15, 6, 30, 500, List.of(1000.0, 5000.0),
                List.of(25, 50, 80, 100), 5, 2, 3);
    }

    static BenchSettings quickRun() {
        return new BenchSettings(true, 2_000, 60, 2, 1, 0, 0, 250, List.of(1000.0, 5000.0), List.of(100), 1, 1, 1);
    }

    /** The sizes in words, for the report. */
    String describe() {
        return String.format(java.util.Locale.ROOT, "backlog of %,d changes (drain limit %d s); live window %d s; "
                + "latency windows %d s at %s changes/s and at %s %% of the live maximum, each after %d s of "
                + "warm-up (the first after %d s); samples every %d ms; write ceiling slices of %d s, %d round(s), %d s generator warm-up",
                drainEvents, drainLimitSeconds, liveWindowSeconds, latencyWindowSeconds, fixedRates.stream()
                        .map(r -> String.format(java.util.Locale.ROOT, "%,.0f", r)).toList(), percentOfLiveMax,
                warmupSeconds, firstWindowWarmupSeconds, sampleMillis, ceilingSliceSeconds, ceilingRounds, ceilingWarmupSeconds);
    }
}
