package io.github.cdcmonitoring.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A psql that does not finish is killed at its limit: a hung statement cannot hang the build. */
class PsqlTimeoutTest {

    @TempDir
    Path scratch;

    @Test
    void psqlRunningLongerThanItsLimitIsKilledWithAClearMessage() throws Exception {
        Path sleep = Files.writeString(scratch.resolve("sleep.sql"), "SELECT pg_sleep(60);\n");
        try (RepoPostgres pg = RepoPostgres.start()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> Psql.find().runFile(sleep, pg.port(), pg.database(), pg.superuser(),
                    pg.superuserPassword(), Map.of(), Duration.ofSeconds(2)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("psql -f sleep.sql did not finish within 2000 ms");
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            System.out.println("PsqlTimeoutTest: failed after " + elapsedMs + " ms");
            assertThat(elapsedMs).isLessThan(10_000);
        }
    }
}
