package io.github.cdcmonitoring.bench;

import java.util.List;
import java.util.Map;

/** Every figure of one benchmark run, as written to results.json and rendered into BENCHMARKS.md. */
record Results(String date, String mode, Machine machine, Map<String, String> versions, BenchSettings settings,
               List<CeilingRow> writeCeiling, List<Configuration> configurations, List<String> configurationsNotMeasured,
               double loadAverageAtStart, double loadAverageAtEnd, double totalSeconds) {

    record Machine(int cores, long memoryBytes, String cpu, String kernel, String java) {
    }

    /** One connection count of bench/generator-vs-pgbench.sh: rows/s of each tool on the same PostgreSQL. */
    record CeilingRow(int connections, long pgbenchRowsPerSecond, long generatorRowsPerSecond, double ratio) {
    }

    /** One configuration ({@link Variant}), on a stack of its own; {@code shape}: its brokers, workers, replication. */
    record Configuration(String name, String shape, Map<String, String> connectorSettings, StartTime start, StartTime warmStart,
                         Drain drain, Live live,
                         List<LatencyWindow> latency, SteadyFootprint footprint, Map<String, Long> peakResidentBytes,
                         long peakTotalResidentBytes, List<String> failures) {

        Configuration withWarmStart(StartTime warm) {
            return new Configuration(name, shape, connectorSettings, start, warm, drain, live, latency, footprint,
                    peakResidentBytes, peakTotalResidentBytes, failures);
        }

        /** The warm start: a second stack's, or this run's own when it was warm already. */
        StartTime warm() {
            return warmStart != null ? warmStart : start.kind().startsWith("warm") ? start : null;
        }
    }

    /**
     * {@code LocalStack} start to the first change event in Kafka; cold = the first stack started after the build,
     * warm = a stack started after another (a configuration's {@code warmStart}: null when not measured).
     */
    record StartTime(String kind, double secondsToFirstChange, Map<String, Double> readyAfterSeconds) {
    }

    /** Backlog drain; timeline rows are {seconds since resume, events/s in the last interval}. */
    record Drain(long events, double seconds, double eventsPerSecond, boolean complete, Map<String, Double> cpuSeconds,
                 double cpuMicrosPerEvent, Map<String, Long> peakResidentBytes, List<double[]> timeline) {
    }

    /** Generator at its maximum; timeline rows are {seconds since window start, written/s, captured/s}. */
    record Live(double windowSeconds, double writtenPerSecond, double capturedPerSecond, long written, long captured,
                double capturedOverWritten, double drainSeconds, List<double[]> timeline) {
    }

    /** One write rate: latencies in ms from the benchmark's consumer and from the change exporter's histogram. */
    record LatencyWindow(String label, double offeredPerSecond, double writtenPerSecond, double capturedPerSecond,
                         long events, Quantiles consumer, Quantiles exporter, boolean agree,
                         Map<String, Double> milliSecondsBehindSource, double coresBusy) {
    }

    /** p50/p95/p99/max in milliseconds (max: NaN for the histogram, which has none). */
    record Quantiles(double p50, double p95, double p99, double max) {
    }

    /** Steady state at the 1,000 changes/s window. */
    record SteadyFootprint(double writtenPerSecond, Map<String, Long> residentBytes, long totalResidentBytes,
                           Map<String, Double> cpuSeconds, long changes, double cpuMicrosPerChange) {
    }
}
