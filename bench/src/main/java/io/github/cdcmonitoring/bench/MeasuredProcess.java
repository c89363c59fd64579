package io.github.cdcmonitoring.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * One process of the stack as the benchmark measures it. A JVM is one process, and so is Prometheus (measured as a
 * tree all the same, in case a version forks helpers). PostgreSQL is the postmaster and its
 * children (backends, the WAL sender, background workers): their CPU adds up, with the time of children that have
 * exited (reaped into the postmaster's cutime/cstime); their resident memory is the sum of each one's private pages
 * plus the largest shared mapping once (shared buffers are mapped by every backend and would otherwise count many times).
 */
record MeasuredProcess(String name, long pid, boolean processTree) {

    static MeasuredProcess jvm(String name, long pid) {
        return single(name, pid);
    }

    /** A process without children that count (a JVM). */
    static MeasuredProcess single(String name, long pid) {
        return new MeasuredProcess(name, pid, false);
    }

    /** A process and its children (PostgreSQL's postmaster and its backends). */
    static MeasuredProcess tree(String name, long pid) {
        return new MeasuredProcess(name, pid, true);
    }

    static MeasuredProcess postgres(long postmasterPid) {
        return new MeasuredProcess("PostgreSQL", postmasterPid, true);
    }

    double cpuSeconds() {
        long ticks = ProcStats.cpuTicks(pid, processTree);
        if (processTree) {
            for (long child : ProcStats.children(pid)) {
                ticks += ProcStats.cpuTicks(child, false);
            }
        }
        return ticks / ProcStats.TICKS_PER_SECOND;
    }

    long residentBytes() {
        if (!processTree) {
            return ProcStats.statusBytes(pid, "VmRSS");
        }
        List<Long> all = new ArrayList<>(ProcStats.children(pid));
        all.add(pid);
        long privateBytes = 0;
        long largestShared = 0;
        for (long p : all) {
            privateBytes += ProcStats.statusBytes(p, "RssAnon");
            largestShared = Math.max(largestShared, ProcStats.statusBytes(p, "RssFile")
                    + ProcStats.statusBytes(p, "RssShmem"));
        }
        return privateBytes + largestShared;
    }

    /** The kernel's high-water mark of a single process (VmHWM); for PostgreSQL only what sampling saw (see Footprint). */
    long peakResidentBytes() {
        return processTree ? residentBytes() : ProcStats.statusBytes(pid, "VmHWM");
    }
}
