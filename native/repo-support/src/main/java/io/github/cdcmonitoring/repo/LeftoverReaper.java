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
 * <p>A small {@code sh} watcher, started once per JVM in a session of its own (Ctrl-C does not reach it), reads its
 * stdin, a pipe whose only writer is this JVM. The kernel closes that pipe when the JVM ends, however it ends; the
 * watcher then reads this JVM's registry file, stops each registered process that is still running (checking that
 * its command line still names its data directory, so a reused pid is never hit), waits until no process names a
 * registered directory any more (bounded), and removes each registered directory. A JVM that exits after closing everything leaves an empty registry, and the watcher just
 * exits.
 *
 * <p>The next start waits for an earlier run's watcher to finish ({@link #settleEarlierRuns}), and should that
 * watcher have been killed too, cleans up what the dead run's registry lists, and says so.
 */
public final class LeftoverReaper {

    private static final Logger LOG = LoggerFactory.getLogger(LeftoverReaper.class);
    private static final String PREFIX = "cdc-monitoring-reaper-";
    private static final long OWNER = ProcessHandle.current().pid();
    /** A killed local stack's watcher: 10 s for the server at most, then up to 30 s for the forked JVMs. */
    private static final Duration EARLIER_RUN_WAIT = Duration.ofSeconds(45);

    /**
     * The watcher: waits for EOF on stdin; SIGQUITs (immediate shutdown) the registered processes, SIGKILLs any left
     * after ten seconds; waits up to thirty seconds for every process whose command line names a registered directory
     * to end (forked JVMs whose logs and data live there exit by themselves once this JVM is gone); removes the
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
              while read -r kind pid marker; do
                [ "$kind" = pid ] && names "$pid" "$marker" && kill "-$1" "$pid" 2>/dev/null
              done < "$reg"
            }
            registered_alive() {
              while read -r kind pid marker; do
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
            signal QUIT
            i=0
            while [ "$i" -lt 100 ] && registered_alive; do sleep 0.1; i=$((i + 1)); done
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
     * Stops process {@code pid} should this JVM die before {@link #forgetProcess}; {@code marker} is a string in its
     * command line (its data directory), checked before any signal.
     */
    public static void watchProcess(long pid, String marker) {
        if (marker.isBlank() || marker.contains("\n")) {
            throw new IllegalArgumentException("marker must be one non-blank line: " + marker);
        }
        update("pid " + pid, "pid " + pid + " " + marker);
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
            String[] parts = line.split(" ", 3);
            if (parts[0].equals("pid") && parts.length == 3) {
                ProcessHandle.of(Long.parseLong(parts[1]))
                        .filter(p -> p.info().commandLine().map(c -> c.contains(parts[2])).orElse(false))
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
