package io.github.cdcmonitoring.bench;

import java.util.List;

/**
 * Sizes of one run. The full run is scaled so that both configurations and the write ceiling fit in well under 20
 * minutes on 2 cores; the quick run exercises every step in about two minutes with figures too small to mean much.
 */
record BenchSettings(boolean quick, int drainEvents, int drainLimitSeconds, int liveWindowSeconds,
                     int latencyWindowSeconds, int warmupSeconds, int sampleMillis, List<Double> fixedRates,
                     List<Integer> percentOfLiveMax, int ceilingSliceSeconds, int ceilingRounds,
                     int ceilingWarmupSeconds) {

    static BenchSettings fullRun() {
        return new BenchSettings(false, 500_000, 300, 30, 20, 3, 500, List.of(1000.0, 5000.0),
                List.of(25, 50, 80, 100), 5, 2, 3);
    }

    static BenchSettings quickRun() {
        return new BenchSettings(true, 2_000, 60, 2, 1, 0, 250, List.of(1000.0, 5000.0), List.of(100), 1, 1, 1);
    }
}
