package io.github.cdcmonitoring.generator;

import io.github.cdcmonitoring.repo.ComposeFile;

import io.github.cdcmonitoring.repo.RepoFiles;
import io.github.cdcmonitoring.service.ConfigException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Parsing of the environment; the end-to-end exit status for the same cases is in BadConfigurationIT. */
class GeneratorConfigTest {

    /**
     * Run without any variable, the generator behaves as the compose stack's data-generator service configures it:
     * its defaults equal what docker-compose.yml (interpolated with .env) passes, read from those files. The password
     * is the exception: a secret has no default.
     */
    @Test
    void defaultsFitTheComposeStack() {
        RepoFiles repo = RepoFiles.locate();
        ComposeFile composeFile = ComposeFile.of(repo);
        Map<String, String> compose = composeFile.serviceEnvironment("data-generator");
        GeneratorConfig fromCompose = GeneratorConfig.fromEnvironment(compose);
        GeneratorConfig defaults = GeneratorConfig.fromEnvironment(Map.of());

        assertThat(compose).as("the service sets the connection and the workload").containsKeys("PGHOST", "PGPORT",
                "PGDATABASE", "PGUSER", "PGPASSWORD", "GENERATOR_RATE", "GENERATOR_THREADS", "GENERATOR_MIX",
                "GENERATOR_METRICS_PORT");
        assertThat(defaults.host()).isEqualTo(fromCompose.host());
        assertThat(composeFile.hasService(defaults.host())).as("the default host %s is a compose service",
                defaults.host()).isTrue();
        assertThat(defaults.port()).isEqualTo(fromCompose.port());
        assertThat(defaults.database()).isEqualTo(fromCompose.database());
        assertThat(defaults.user()).isEqualTo(fromCompose.user());
        assertThat(defaults.password()).isEmpty();
        assertThat(fromCompose.password()).isNotEmpty();
        assertThat(defaults.ratePerSecond()).isEqualTo(fromCompose.ratePerSecond());
        assertThat(defaults.threads()).isEqualTo(fromCompose.threads());
        assertThat(defaults.maxOperations()).isEqualTo(fromCompose.maxOperations()).isZero();
        assertThat(defaults.mix()).hasToString(fromCompose.mix().toString());
        assertThat(defaults.batchSize()).isEqualTo(fromCompose.batchSize());
        assertThat(defaults.metricsPort()).isEqualTo(fromCompose.metricsPort());
        assertThat(defaults.databaseWait()).isEqualTo(fromCompose.databaseWait());
    }

    @Test
    void readsEveryVariable() {
        GeneratorConfig config = GeneratorConfig.fromEnvironment(Map.ofEntries(
                Map.entry("PGHOST", "db.internal"), Map.entry("PGPORT", "6543"), Map.entry("PGDATABASE", "shop"),
                Map.entry("PGUSER", "writer"), Map.entry("PGPASSWORD", " s3cret "), Map.entry("GENERATOR_RATE", "0.5"),
                Map.entry("GENERATOR_THREADS", "8"), Map.entry("GENERATOR_MAX_OPS", "1000"),
                Map.entry("GENERATOR_MIX", " signups = 100 "), Map.entry("GENERATOR_METRICS_PORT", "0"),
                Map.entry("GENERATOR_DB_WAIT_SECONDS", "5")));

        assertThat(config.host()).isEqualTo("db.internal");
        assertThat(config.port()).isEqualTo(6543);
        assertThat(config.database()).isEqualTo("shop");
        assertThat(config.user()).isEqualTo("writer");
        assertThat(config.password()).isEqualTo(" s3cret ");
        assertThat(config.ratePerSecond()).isEqualTo(0.5);
        assertThat(config.threads()).isEqualTo(8);
        assertThat(config.maxOperations()).isEqualTo(1000);
        assertThat(config.mix().percent(Operation.SIGNUP)).isEqualTo(100);
        assertThat(config.mix().percent(Operation.NEW_USER)).isZero();
        assertThat(config.metricsPort()).isZero();
        assertThat(config.databaseWait()).hasSeconds(5);
    }

    @Test
    void blankValuesMeanTheDefault() {
        GeneratorConfig config = GeneratorConfig.fromEnvironment(Map.of("GENERATOR_RATE", " ", "PGHOST", ""));

        assertThat(config.ratePerSecond()).isEqualTo(20);
        assertThat(config.host()).isEqualTo("postgres");
    }

    @Test
    void passwordIsMaskedWhenLogged() {
        GeneratorConfig config = GeneratorConfig.fromEnvironment(Map.of("PGPASSWORD", "hunter2-secret"));

        assertThat(config.toString()).doesNotContain("hunter2").contains("password=*****");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            GENERATOR_RATE         | fast
            GENERATOR_RATE         | -1
            GENERATOR_RATE         | NaN
            GENERATOR_RATE         | Infinity
            GENERATOR_THREADS      | 0
            GENERATOR_THREADS      | 2.5
            GENERATOR_MAX_OPS      | -3
            GENERATOR_MIX          | users=20,orders=60,updates=15,refunds=5
            GENERATOR_MIX          | users=20,orders=60
            GENERATOR_MIX          | users=50,users=50
            GENERATOR_MIX          | users:100
            GENERATOR_MIX          | users=110,orders=-10
            GENERATOR_BATCH_SIZE   | 0
            GENERATOR_METRICS_PORT | 65536
            GENERATOR_METRICS_PORT | http
            GENERATOR_DB_WAIT_SECONDS | 0
            PGPORT                 | 0
            PGPORT                 | 70000
            PGPORT                 | 5432x
            GENERATOR_RATES        | 10
            """)
    void badValueIsRejectedNamingTheVariable(String variable, String value) {
        Map<String, String> env = new HashMap<>();
        env.put(variable, value);

        assertThatThrownBy(() -> GeneratorConfig.fromEnvironment(env))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.variable()).isEqualTo(variable);
                    assertThat(e.getMessage()).startsWith(variable + ": ").doesNotContain("\n");
                });
    }

    @Test
    void batchesNeedFullSpeed() {
        assertThatThrownBy(() -> GeneratorConfig.fromEnvironment(Map.of("GENERATOR_BATCH_SIZE", "10")))
                .isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.variable()).isEqualTo("GENERATOR_BATCH_SIZE"));
        assertThat(GeneratorConfig.fromEnvironment(Map.of("GENERATOR_BATCH_SIZE", "10", "GENERATOR_RATE", "0"))
                .batchSize()).isEqualTo(10);
    }

    @Test
    void controlCharactersInAnEchoedValueCannotSplitTheErrorLine() {
        assertThatThrownBy(() -> GeneratorConfig.fromEnvironment(Map.of("GENERATOR_RATE", "1\nGENERATOR_OK")))
                .hasMessageNotContaining("\n")
                .hasMessageContaining("\\u000a");
    }
}
