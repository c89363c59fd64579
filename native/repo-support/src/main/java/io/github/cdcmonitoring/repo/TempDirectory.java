package io.github.cdcmonitoring.repo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The temporary directories the harnesses create for server data and logs, and their removal on shutdown. Each one is
 * registered with {@link LeftoverReaper}, so it is removed even when the JVM is killed before it can do so itself.
 */
public final class TempDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(TempDirectory.class);

    private TempDirectory() {
    }

    public static Path create(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            LeftoverReaper.watchPath(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory", e);
        }
    }

    /** Removes a directory tree; a failure is logged, not thrown, since this runs while shutting down. */
    public static void deleteRecursively(Path dir) {
        if (dir == null) {
            return;
        }
        if (Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                LOG.warn("could not remove {}: {}", dir, e.getMessage());
            }
        }
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            LeftoverReaper.forgetPath(dir);
        }
    }

    /** Whether this process's user owns {@code path} (not following a symlink): what others put in /tmp is not ours to use. */
    public static boolean ownedByThisUser(Path path) {
        java.nio.file.LinkOption noFollow = java.nio.file.LinkOption.NOFOLLOW_LINKS;
        try {
            try {
                return Files.getAttribute(path, "unix:uid", noFollow)
                        .equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
            } catch (UnsupportedOperationException | IllegalArgumentException | IOException notLinux) {
                return Files.getOwner(path, noFollow).getName().equals(System.getProperty("user.name"));
            }
        } catch (IOException e) {
            return false;
        }
    }
}
