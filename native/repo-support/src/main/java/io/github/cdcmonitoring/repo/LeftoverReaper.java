package io.github.cdcmonitoring.repo;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what this JVM started (server processes, temporary directories) when the JVM dies without cleaning up:
 * SIGKILL, a crash, surefire ending a hung fork. Shutdown hooks do not run then, and PostgreSQL does not notice its
 * parent's death, so it would keep its port and its data directory.
 *
 * <p>The one way the project's children die with the JVM that started them: PostgreSQL, the broker and Connect,
 * the service jars and the native programs are all registered here. A small {@code sh} watcher, started once per JVM
 * in a session of its own (Ctrl-C does not reach it), reads its stdin, a pipe whose only writer is this JVM. The kernel
 * closes that pipe when the JVM ends, however it ends; the watcher then reads this JVM's registry file, sends each
 * registered process that is still running its own stop signal (checking that its command line still holds the
 * marker it was registered with, so a reused pid is never hit), SIGKILLs what is left five seconds later, waits
 * until no process names a registered directory any more (bounded), and removes each registered directory. A JVM that exits after closing everything leaves an empty registry, and the watcher just
 * exits.
 *
 * <p>The next start waits for an earlier run's watcher to finish ({@link #settleEarlierRuns}), and should that
 * watcher have been killed too, cleans up what the dead run's registry lists, and says so.
 */
public final class LeftoverReaper {

    private static final Logger LOG = LoggerFactory.getLogger(LeftoverReaper.class);
    private static final String PREFIX = "cdc-monitoring-reaper-";
    private static final long OWNER = ProcessHandle.current().pid();
    /** A killed local stack's watcher: 5 s for its processes at most, then up to 30 s for whatever names its folders. */
    private static final Duration EARLIER_RUN_WAIT = Duration.ofSeconds(45);
    /** The stop signals a process may be registered with (the watcher's kill takes the name). */
    private static final List<String> STOP_SIGNALS = List.of("TERM", "QUIT", "INT");

    /**
     * The watcher: waits for EOF on stdin; sends each registered process its stop signal (QUIT: PostgreSQL's immediate
     * shutdown; TERM: a JVM's shutdown hooks, a Go program's clean exit), SIGKILLs any left after five seconds; waits
     * up to thirty seconds for every process whose command line names a registered directory to end; removes the
     * directories.
     */
    private static final String WATCHER = """
            trap '' INT TERM HUP
            reg="$0"
            cat >/dev/null
            [ -f "$reg" ] || exit 0
            names() {
              cmd=$(tr '\\000' ' ' < "/proc/$1/cmdline" 2>/dev/null) || return 1
              case "$cmd" in *"$2"*) return 0 ;; esac
              return 1
            }
            signal() {
              while read -r kind pid stop marker; do
                [ "$kind" = pid ] || continue
                [ "$1" = own ] && sig=$stop || sig=$1
                names "$pid" "$marker" && kill "-$sig" "$pid" 2>/dev/null
              done < "$reg"
            }
            registered_alive() {
              while read -r kind pid stop marker; do
                [ "$kind" = pid ] && names "$pid" "$marker" && return 0
              done < "$reg"
              return 1
            }
            dir_in_use() {
              while read -r kind path; do
                [ "$kind" = dir ] || continue
                for f in /proc/[0-9]*/cmdline; do
                  p=${f#/proc/}; p=${p%/cmdline}
                  [ "$p" = "$$" ] && continue
                  names "$p" "$path" && return 0
                done
              done < "$reg"
              return 1
            }
            signal own
            i=0
            while [ "$i" -lt 50 ] && registered_alive; do sleep 0.1; i=$((i + 1)); done
            signal KILL
            i=0
            while [ "$i" -lt 60 ] && dir_in_use; do sleep 0.5; i=$((i + 1)); done
            while read -r kind path; do
              [ "$kind" = dir ] && rm -rf -- "$path"
            done < "$reg"
            rm -f -- "$reg" "$reg.next"
            """;

    private static final Map<String, String> ENTRIES = new LinkedHashMap<>();
    private static Path registry;
    /** Held for the JVM's lifetime: its write end is what the watcher waits on (and a collected stream would close it). */
    private static Process watcher;

    private LeftoverReaper() {
    }

    /** Removes {@code path} (a directory tree or a file) should this JVM die before {@link #forgetPath}. */
    public static void watchPath(Path path) {
        update("dir " + path.toAbsolutePath(), "dir " + path.toAbsolutePath());
    }

    public static void forgetPath(Path path) {
        update("dir " + path.toAbsolutePath(), null);
    }

    /**
     * Stops process {@code pid} should this JVM die before {@link #forgetProcess}: {@code stopSignal} (TERM, QUIT or
     * INT), SIGKILL five seconds later. {@code marker} is a string in its command line (its data directory, or the
     * whole command line), checked before any signal.
     */
    public static void watchProcess(long pid, String stopSignal, String marker) {
        if (marker.isBlank() || marker.contains("\n")) {
            throw new IllegalArgumentException("marker must be one non-blank line: " + marker);
        }
        if (!STOP_SIGNALS.contains(stopSignal)) {
            throw new IllegalArgumentException("stopSignal must be one of " + STOP_SIGNALS + ": " + stopSignal);
        }
        update("pid " + pid, "pid " + pid + " " + stopSignal + " " + marker);
    }

    public static void forgetProcess(long pid) {
        update("pid " + pid, null);
    }

    private static synchronized void update(String key, String line) {
        if (line == null) {
            if (ENTRIES.remove(key) == null) {
                return;
            }
        } else {
            ENTRIES.put(key, line);
        }
        ensureWatcher();
        write();
    }

    private static void ensureWatcher() {
        if (watcher != null && watcher.isAlive()) {
            return;
        }
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        if (registry == null) {
            settleEarlierRuns();
            registry = tmp.resolve(PREFIX + OWNER + ".txt");
        }
        List<String> command = new ArrayList<>();
        setsid().ifPresent(command::add);
        command.addAll(List.of("sh", "-c", WATCHER, registry.toString()));
        try {
            watcher = new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the leftover watcher (sh)", e);
        }
    }

    private static void write() {
        try {
            Path next = registry.resolveSibling(registry.getFileName() + ".next");
            Files.write(next, ENTRIES.values(), StandardCharsets.UTF_8);
            Files.move(next, registry, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + registry, e);
        }
    }

    /**
     * Waits until the leftovers of earlier runs that died are gone: their watchers need a few seconds (the forked
     * JVMs of a killed local stack take up to 16 s to notice), and a start in the meantime would find the port taken.
     * A registry whose watcher does not finish in time (the watcher was killed too) is cleaned here, with a warning
     * naming what it held. Called before a server is started on a fixed port, and on first use.
     */
    public static synchronized void settleEarlierRuns() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        List<Path> registries;
        try (Stream<Path> files = Files.list(tmp)) {
            registries = files.filter(f -> f.getFileName().toString().matches(PREFIX + "\\d+\\.txt")).toList();
        } catch (IOException e) {
            LOG.warn("cannot look for leftovers of earlier runs in {}: {}", tmp, e.getMessage());
            return;
        }
        for (Path file : registries) {
            String name = file.getFileName().toString();
            long owner = Long.parseLong(name.substring(PREFIX.length(), name.length() - ".txt".length()));
            if (owner == OWNER || ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)
                    || !writtenByThisUser(file)) {
                continue;
            }
            boolean[] announced = {false};
            Waits.within(EARLIER_RUN_WAIT, Duration.ofMillis(200), () -> {
                if (!announced[0] && Files.exists(file) && !readQuietly(file).isEmpty()) {
                    LOG.info("an earlier run (pid {}) died; waiting for its processes and directories to be removed",
                            owner);
                    announced[0] = true;
                }
                return !Files.exists(file);
            });
            List<String> lines = readQuietly(file);
            if (!lines.isEmpty()) {
                LOG.warn("an earlier run (pid {}) died without cleaning up and its watcher did not finish within {} s; "
                        + "removing what it left: {}", owner, EARLIER_RUN_WAIT.toSeconds(), String.join("; ", lines));
                clean(lines);
            }
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.warn("cannot remove {}: {}", file, e.getMessage());
            }
        }
    }

    /** Only this user's registries: anyone can put a file in /tmp, and it must not make us delete or kill anything. */
    private static boolean writtenByThisUser(Path file) {
        return Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS) && TempDirectory.ownedByThisUser(file);
    }

    private static List<String> readQuietly(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of(); // its watcher removed it just now
        }
    }

    private static void clean(List<String> lines) {
        for (String line : lines) {
            String[] parts = line.split(" ", 4);
            if (parts[0].equals("pid") && parts.length == 4) {
                ProcessHandle.of(Long.parseLong(parts[1]))
                        .filter(p -> commandLine(p.pid()).contains(parts[3]))
                        .ifPresent(p -> {
                            p.destroyForcibly();
                            p.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).exceptionally(t -> null).join();
                        });
            }
        }
        for (String line : lines) {
            String[] parts = line.split(" ", 2);
            if (parts[0].equals("dir") && parts.length == 2) {
                TempDirectory.deleteRecursively(Path.of(parts[1]));
            }
        }
    }

    /**
     * The command line as the watcher reads it: /proc's arguments joined by spaces (the JDK's ProcessHandle.Info
     * leaves a long one, such as a JVM's with Kafka's classpath, empty); empty once the process is gone.
     */
    private static String commandLine(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
        } catch (IOException gone) {
            return "";
        }
    }

    private static Optional<String> setsid() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "setsid");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate.toString());
            }
        }
        return Optional.empty();
    }
}
