package io.github.cdcmonitoring.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU time and memory of a process from Linux's /proc, so the figures count the process's own work whatever else runs
 * on the machine: {@code /proc/<pid>/stat} utime+stime (clock ticks) and {@code /proc/<pid>/status} (kB).
 */
final class ProcStats {

    /** USER_HZ: 100 on every Linux architecture the project runs on ({@code getconf CLK_TCK}). */
    static final double TICKS_PER_SECOND = 100.0;

    private ProcStats() {
    }

    /** utime+stime of the process, plus cutime+cstime (its reaped children) when {@code withReaped}; 0 if gone. */
    static long cpuTicks(long pid, boolean withReaped) {
        String[] fields = statFields(pid);
        if (fields == null) {
            return 0;
        }
        // fields[0] is the state (field 3 of stat); utime is field 14, so index 11.
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        if (withReaped) {
            ticks += Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
        }
        return ticks;
    }

    /** The fields after the command name (which may hold spaces and parentheses), or null if the process is gone. */
    private static String[] statFields(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        } catch (IOException e) {
            return null;
        }
    }

    /** The live children of a process (one level: PostgreSQL's backends, WAL sender and workers). */
    static List<Long> children(long pid) {
        List<Long> children = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            entries.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
                    .map(Long::parseLong).forEach(candidate -> {
                        String[] fields = statFields(candidate);
                        if (fields != null && Long.parseLong(fields[1]) == pid) {
                            children.add(candidate);
                        }
                    });
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return children;
    }

    /** A value in kB from /proc/<pid>/status (VmRSS, VmHWM, RssAnon, RssFile, RssShmem), in bytes; 0 if absent. */
    static long statusBytes(long pid, String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(key + ":")) {
                    return Long.parseLong(line.substring(key.length() + 1).trim().split("\\s+")[0]) * 1024;
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return 0;
    }
}
