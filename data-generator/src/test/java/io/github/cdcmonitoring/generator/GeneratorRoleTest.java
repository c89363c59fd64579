package io.github.cdcmonitoring.generator;

import io.github.cdcmonitoring.repo.ComposeFile;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.cdcmonitoring.postgres.RepoPostgres;
import io.github.cdcmonitoring.repo.RepoFiles;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The compose service's own role (PGUSER/PGPASSWORD of docker-compose.yml's data-generator, created by init-db.sql)
 * has every right the generator needs: the default mix of inserts, updates and deletes commits without one failed
 * attempt and the tables hold exactly what it counted. That the role has no more than that is DatabaseRolesTest's
 * (local-stack), read from the catalog.
 */
@Timeout(120)
class GeneratorRoleTest {

    @AutoClose
    private static final RepoPostgres pg = RepoPostgres.start();
    private static final Tables tables = new Tables(pg);

    @Test
    void theComposeServicesRoleCanRunTheWholeWorkload() {
        Map<String, String> service = ComposeFile.of(RepoFiles.locate()).serviceEnvironment("data-generator");
        assertThat(service.get("PGUSER")).isNotEqualTo(pg.superuser());
        Map<String, String> env = Tables.environment(pg, "PGUSER", service.get("PGUSER"),
                "PGPASSWORD", service.get("PGPASSWORD"), "GENERATOR_RATE", "0", "GENERATOR_THREADS", "2",
                "GENERATOR_MAX_OPS", "600", "GENERATOR_MIX", service.get("GENERATOR_MIX"));

        try (DataGenerator generator = new DataGenerator(GeneratorConfig.fromEnvironment(env))) {
            generator.run();

            assertThat(generator.errors()).as("failed attempts").isZero();
            CommittedCounts counts = generator.counts();
            assertThat(counts.operations()).isEqualTo(600);
            assertThat(counts.rows("users", "delete") + counts.rows("orders", "delete")).as("deletes ran").isPositive();
            assertThat(counts.rows("users", "update") + counts.rows("orders", "update")).as("updates ran").isPositive();
            assertThat(tables.rows("users")).isEqualTo(counts.netRows("users"));
            assertThat(tables.rows("orders")).isEqualTo(counts.netRows("orders"));
        }
    }
}
