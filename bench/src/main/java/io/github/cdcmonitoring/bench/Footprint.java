package io.github.cdcmonitoring.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The processes of one configuration's stack: CPU-seconds per process between two points, resident memory now, and
 * the peak seen over the whole run (the kernel's VmHWM for JVMs; for PostgreSQL, whose memory is spread over
 * short-lived backends, the largest sampled value).
 */
final class Footprint {

    private final List<MeasuredProcess> processes = new CopyOnWriteArrayList<>();
    private final Map<String, Long> peaks = new LinkedHashMap<>();

    void add(MeasuredProcess process) {
        processes.add(process);
    }

    void remove(String name) {
        sample();
        processes.removeIf(p -> p.name().equals(name));
    }

    /** CPU-seconds used so far, per process name. */
    Map<String, Double> cpuSeconds() {
        Map<String, Double> cpu = new LinkedHashMap<>();
        for (MeasuredProcess p : processes) {
            cpu.put(p.name(), p.cpuSeconds());
        }
        return cpu;
    }

    /** Resident bytes now, per process name; also updates the peaks. */
    synchronized Map<String, Long> sample() {
        Map<String, Long> rss = new LinkedHashMap<>();
        for (MeasuredProcess p : processes) {
            long now = p.residentBytes();
            rss.put(p.name(), now);
            peaks.merge(p.name(), Math.max(now, p.peakResidentBytes()), Math::max);
        }
        return rss;
    }

    synchronized Map<String, Long> peaks() {
        sample();
        return new LinkedHashMap<>(peaks);
    }

    /** CPU-seconds per process between two {@link #cpuSeconds()} readings (a process missing from one counts 0). */
    static Map<String, Double> delta(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> delta = new LinkedHashMap<>();
        after.forEach((name, seconds) -> delta.put(name, seconds - before.getOrDefault(name, 0.0)));
        return delta;
    }
}
