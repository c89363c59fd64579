package io.github.cdcmonitoring.postgres;

import io.github.cdcmonitoring.repo.BoundedProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The operating-system user the server runs as. PostgreSQL refuses to run as root ("root" execution of the PostgreSQL
 * server is not permitted), so under root (a CI container) initdb and postgres run as the {@code postgres} user if
 * the system has one (Debian's postgresql-common creates it), else as {@code nobody}, through util-linux
 * {@code setpriv}, which execs the program in place: the pid this JVM holds stays the postmaster's. Otherwise the
 * server runs as the current user.
 */
final class ServerUser {

    private static final Duration LOOKUP_LIMIT = Duration.ofSeconds(10);
    private static final List<String> CANDIDATES = List.of("postgres", "nobody");

    private final String name;
    private final int uid;
    private final int gid;

    private ServerUser(String name, int uid, int gid) {
        this.name = name;
        this.uid = uid;
        this.gid = gid;
    }

    static ServerUser choose() {
        if (effectiveUid() != 0) {
            return new ServerUser(System.getProperty("user.name"), -1, -1);
        }
        for (String candidate : CANDIDATES) {
            BoundedProcess.Result uid = BoundedProcess.run("id -u " + candidate, List.of("id", "-u", candidate), Map.of(), LOOKUP_LIMIT);
            BoundedProcess.Result gid = BoundedProcess.run("id -g " + candidate, List.of("id", "-g", candidate), Map.of(), LOOKUP_LIMIT);
            if (uid.exitCode() == 0 && gid.exitCode() == 0) {
                return new ServerUser(candidate, Integer.parseInt(uid.output().strip()), Integer.parseInt(gid.output().strip()));
            }
        }
        throw new IllegalStateException("running as root, and neither user " + String.join(" nor ", CANDIDATES)
                + " exists to run PostgreSQL as (it refuses root)");
    }

    private static int effectiveUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name")) ? 0 : -1;
        }
    }

    private boolean switches() {
        return uid >= 0;
    }

    /** The command that runs {@code program} as this user. */
    List<String> command(List<String> program) {
        List<String> command = new ArrayList<>();
        if (switches()) {
            command.addAll(List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups"));
        }
        command.addAll(program);
        return command;
    }

    /** Hands a directory this JVM created to the server user (data, socket and config live there). */
    void own(Path dir) {
        if (!switches()) {
            return;
        }
        try {
            Files.setAttribute(dir, "unix:uid", uid);
            Files.setAttribute(dir, "unix:gid", gid);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hand " + dir + " to user " + name, e);
        }
    }

    /** Environment for programs run as this user: HOME of root is not theirs to read. */
    Map<String, String> environment() {
        return switches() ? Map.of("HOME", "/") : Map.of();
    }

    String name() {
        return name;
    }
}
