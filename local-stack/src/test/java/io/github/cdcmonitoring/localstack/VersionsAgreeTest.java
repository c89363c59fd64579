package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.cdcmonitoring.postgres.DotEnv;
import io.github.cdcmonitoring.postgres.RepoFiles;
import io.github.cdcmonitoring.postgres.RepoPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;

/**
 * .env pins the images the compose stack runs; the native harness runs Maven artifacts. Both must be the same
 * versions, read here from what the harness really loads, not from a second list.
 */
class VersionsAgreeTest {

    private final RepoFiles repo = RepoFiles.locate();
    private final DotEnv env = repo.dotEnv();

    @Test
    void kafkaOnTheHarnessClasspathIsTheImageVersion() {
        assertThat(AppInfoParser.getVersion()).isEqualTo(env.get("KAFKA_VERSION"));
    }

    @Test
    void debeziumPluginIsTheImageVersion() throws IOException {
        Path plugin = repo.file("debezium-jmx-exporter/target/connect-plugins/debezium-connector-postgres");
        try (Stream<Path> jars = Files.list(plugin)) {
            List<String> names = jars.map(p -> p.getFileName().toString()).toList();
            assertThat(names).contains("debezium-connector-postgres-" + env.get("DEBEZIUM_VERSION") + ".jar");
        }
    }

    @Test
    void jmxAgentIsTheVersionTheDockerfileDownloads() throws IOException {
        Path agent = repo.file("debezium-jmx-exporter/target/jmx_prometheus_javaagent.jar");
        Properties pom = new Properties();
        try (JarFile jar = new JarFile(agent.toFile());
             InputStream in = jar.getInputStream(jar.getEntry(
                     "META-INF/maven/io.prometheus.jmx/jmx_prometheus_javaagent/pom.properties"))) {
            pom.load(in);
        }
        assertThat(pom.getProperty("version")).isEqualTo(env.get("JMX_EXPORTER_VERSION"));
    }

    @Test
    void postgresServerIsTheImageVersion() throws Exception {
        try (RepoPostgres pg = RepoPostgres.start(); Connection c = pg.connect();
             ResultSet rs = c.createStatement().executeQuery("SHOW server_version")) {
            rs.next();
            assertThat(rs.getString(1)).startsWith(env.get("POSTGRES_VERSION"));
        }
    }
}
