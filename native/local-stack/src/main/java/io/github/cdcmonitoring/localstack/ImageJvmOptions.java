package io.github.cdcmonitoring.localstack;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The JVM options a Java service's image runs its jar with: the words between {@code java} and {@code -jar} of the
 * exec-form ENTRYPOINT in its Dockerfile. The native stack and the benchmark run the jar with the same options, so
 * the heap cap measured in BENCHMARKS.md is the one the image ships.
 */
public final class ImageJvmOptions {

    private ImageJvmOptions() {
    }

    /** @param dockerfile e.g. data-generator/Dockerfile */
    public static List<String> of(Path dockerfile) {
        List<String> lines;
        try {
            lines = Files.readAllLines(dockerfile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dockerfile, e);
        }
        String entrypoint = lines.stream().map(String::strip).filter(line -> line.startsWith("ENTRYPOINT"))
                .reduce((first, last) -> last) // Docker uses the last ENTRYPOINT
                .orElseThrow(() -> new IllegalStateException(dockerfile + " has no ENTRYPOINT"));
        List<String> words;
        try {
            words = new ObjectMapper().readValue(entrypoint.substring("ENTRYPOINT".length()),
                    new TypeReference<List<String>>() { });
        } catch (IOException e) {
            throw new IllegalStateException(dockerfile + ": ENTRYPOINT is not in exec form [\"java\", ..., \"-jar\", "
                    + "\"<jar>\"]: " + entrypoint);
        }
        int jar = words.indexOf("-jar");
        if (words.isEmpty() || !words.get(0).equals("java") || jar < 0) {
            throw new IllegalStateException(dockerfile + ": ENTRYPOINT does not run java ... -jar <jar>: " + entrypoint);
        }
        return List.copyOf(words.subList(1, jar));
    }
}
