package io.github.cdcmonitoring.kubernetes;

import io.github.cdcmonitoring.repo.RepoFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes kubernetes/manifests/ from the repository's files (README.md: {@value ManifestSet#REGENERATE}). Files the
 * generator no longer makes are deleted, so the folder holds exactly what it renders.
 */
public final class GenerateManifests {

    private GenerateManifests() {
    }

    public static void main(String[] args) {
        RepoFiles repo;
        try {
            repo = RepoFiles.locate();
        } catch (IllegalStateException e) {
            System.err.println("kubernetes manifests not generated: " + e.getMessage());
            System.exit(1);
            return;
        }
        int status = run(repo, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Generates into {@code repo}'s manifests folder; on bad input prints one line to {@code err} and returns 1. */
    static int run(RepoFiles repo, PrintStream out, PrintStream err) {
        Map<String, String> files;
        try {
            files = ManifestSet.render(StackSources.read(repo));
        } catch (SourceFileException e) {
            err.println("kubernetes manifests not generated: " + e.getMessage());
            return 1;
        }
        Path folder = repo.root().resolve(ManifestSet.FOLDER);
        try {
            Files.createDirectories(folder);
            try (Stream<Path> existing = Files.list(folder)) {
                for (Path stale : existing.filter(f -> !files.containsKey(f.getFileName().toString())).toList()) {
                    Files.delete(stale);
                }
            }
            for (Map.Entry<String, String> file : files.entrySet()) {
                Files.writeString(folder.resolve(file.getKey()), file.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + folder, e);
        }
        out.println("wrote " + files.size() + " files to " + ManifestSet.FOLDER);
        return 0;
    }
}
