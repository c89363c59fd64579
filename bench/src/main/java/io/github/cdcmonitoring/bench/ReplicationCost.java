package io.github.cdcmonitoring.bench;

import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/** One figure of the single-broker configuration beside the cluster's, for the report's table and its plot. */
record ReplicationCost(String label, double single, double cluster, int decimals) {

    double ratio() {
        return cluster / single;
    }

    /** The figures compared; a figure one side lacks is NaN (shown "n/a"). */
    static List<ReplicationCost> of(Results.Configuration single, Results.Configuration cluster) {
        return List.of(
                figure("backlog drain, events/s", single, cluster, c -> c.drain().eventsPerSecond(), 0),
                figure("CPU-µs per event, drain", single, cluster, c -> c.drain().cpuMicrosPerEvent(), 0),
                figure("live capture at the generator's maximum, events/s", single, cluster,
                        c -> c.live().capturedPerSecond(), 0),
                figure("p50 at 1,000 changes/s, ms", single, cluster, c -> at1000(c).map(w -> w.consumer().p50())
                        .orElse(Double.NaN), 0),
                figure("p99 at 1,000 changes/s, ms", single, cluster, c -> at1000(c).map(w -> w.consumer().p99())
                        .orElse(Double.NaN), 0),
                figure("CPU-µs per change at 1,000 changes/s", single, cluster, c -> c.footprint() == null
                        ? Double.NaN : c.footprint().cpuMicrosPerChange(), 0),
                figure("RSS total at 1,000 changes/s, MiB", single, cluster, c -> c.footprint() == null
                        ? Double.NaN : c.footprint().totalResidentBytes() / 1048576.0, 0),
                figure("peak RSS total, MiB", single, cluster, c -> c.peakTotalResidentBytes() / 1048576.0, 0),
                // Warm both: the first configuration's own start is the cold one after the build.
                figure("start to first captured change (warm), s", single, cluster,
                        c -> c.warm() == null ? Double.NaN : c.warm().secondsToFirstChange(), 1));
    }

    private static ReplicationCost figure(String label, Results.Configuration single, Results.Configuration cluster,
                                          ToDoubleFunction<Results.Configuration> value, int decimals) {
        return new ReplicationCost(label, value.applyAsDouble(single), value.applyAsDouble(cluster), decimals);
    }

    private static Optional<Results.LatencyWindow> at1000(Results.Configuration c) {
        return c.latency().stream().filter(w -> w.label().equals(MarkdownReport.FIXED_1000)).findFirst();
    }
}
