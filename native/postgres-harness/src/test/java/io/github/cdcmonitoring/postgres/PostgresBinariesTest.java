package io.github.cdcmonitoring.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two test JVMs (surefire's forks) may unpack the binaries into the shared cache at the same moment on a machine that
 * has no cache yet: the one that renames its tree into place second must take the first one's, not fail (it failed
 * with "Directory not empty" before).
 */
class PostgresBinariesTest {

    @TempDir
    Path cache;

    @Test
    void unpackingWhereAnotherJvmUnpackedFirstKeepsItsTreeAndLeavesNoStagingFolder() throws IOException {
        Path home = cache.resolve("binaries");
        PostgresBinaries.unpack(PostgresBinaries.archive(), home); // the JVM that won
        Path marker = Files.writeString(home.resolve("unpacked-first"), "");

        PostgresBinaries.unpack(PostgresBinaries.archive(), home); // the one that comes second

        assertThat(home.resolve("bin/postgres")).isExecutable();
        assertThat(marker).as("the first tree stays in place").exists();
        try (Stream<Path> left = Files.list(cache)) {
            assertThat(left).as("the cache folder").containsExactly(home);
        }
    }
}
