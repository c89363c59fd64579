package io.github.cdcmonitoring.repo;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the repository's own config files, so that tests and the native stack read the very files the compose
 * stack mounts instead of keeping copies.
 */
public final class RepoFiles {

    private final Path root;

    private RepoFiles(Path root) {
        this.root = root;
    }

    /** The repository containing the running code (or the current directory): the first parent holding init-db.sql and .env. */
    public static RepoFiles locate() {
        Path fromCode = codeLocation();
        for (Path start : new Path[] {fromCode, Path.of("").toAbsolutePath()}) {
            for (Path dir = start; dir != null; dir = dir.getParent()) {
                if (Files.isRegularFile(dir.resolve("init-db.sql")) && Files.isRegularFile(dir.resolve(".env"))) {
                    return new RepoFiles(dir);
                }
            }
        }
        throw new IllegalStateException("cannot find the repository root (a folder with init-db.sql and .env) above "
                + fromCode + " or the current directory: run from inside the cloned repository");
    }

    /** The repository at {@code root}, without searching (a test's scratch copy). */
    public static RepoFiles at(Path root) {
        return new RepoFiles(root.toAbsolutePath());
    }

    private static Path codeLocation() {
        try {
            return Path.of(RepoFiles.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return Path.of("").toAbsolutePath();
        }
    }

    public Path root() {
        return root;
    }

    /** A file relative to the repository root, which must exist. */
    public Path file(String relative) {
        Path file = root.resolve(relative);
        if (!Files.exists(file)) {
            throw new IllegalStateException("missing repository file " + file);
        }
        return file;
    }

    public Path postgresqlConf() {
        return file("postgresql.conf");
    }

    public Path initDbSql() {
        return file("init-db.sql");
    }

    public Path inventorySql() {
        return file("inventory.sql");
    }

    public DotEnv dotEnv() {
        return DotEnv.read(file(".env"));
    }
}
