package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.cdcmonitoring.localstack.process.Executables;
import io.github.cdcmonitoring.localstack.process.ProgramVersion;
import io.github.cdcmonitoring.postgres.RepoPostgres;
import io.github.cdcmonitoring.repo.DotEnv;
import io.github.cdcmonitoring.repo.RepoFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    /*
     * The tests, the rule unit tests and the native stack run the Prometheus, promtool and postgres_exporter on PATH
     * (installed by .ci/install-packages, which derives the line from .env); the compose stack runs the images .env
     * pins. Same major.minor, or the tests prove something about a Prometheus no compose user runs.
     */
    @Test
    void installedPrometheusAndPromtoolAreThePinnedLine() {
        assertInstalledIsThePinnedLine("PROMETHEUS_VERSION", "prometheus");
        assertInstalledIsThePinnedLine("PROMETHEUS_VERSION", "promtool");
    }

    @Test
    void installedPostgresExporterIsThePinnedLine() {
        assertInstalledIsThePinnedLine("POSTGRES_EXPORTER_VERSION", "prometheus-postgres-exporter", "postgres_exporter");
    }

    /*
     * amtool checks and route-tests debezium-prometheus/alertmanager.yml in the build, and the native stack runs the
     * installed Alertmanager (Debian's binary is prometheus-alertmanager) on it; compose runs ALERTMANAGER_VERSION.
     */
    @Test
    void installedAlertmanagerAndAmtoolAreThePinnedLine() {
        assertInstalledIsThePinnedLine("ALERTMANAGER_VERSION", "prometheus-alertmanager", "alertmanager");
        assertInstalledIsThePinnedLine("ALERTMANAGER_VERSION", "amtool");
    }

    /* The native stack runs the installed node_exporter where compose runs NODE_EXPORTER_VERSION. */
    @Test
    void installedNodeExporterIsThePinnedLine() {
        assertInstalledIsThePinnedLine("NODE_EXPORTER_VERSION", "prometheus-node-exporter", "node_exporter");
    }

    /** The first of {@code names} on PATH has the major.minor of {@code pinKey} in .env. */
    private void assertInstalledIsThePinnedLine(String pinKey, String... names) {
        ProgramVersion pin = ProgramVersion.pinned(pinKey, env.get(pinKey));
        assertThat(installed(names).line())
                .as("%s --version vs %s=%s in .env", names[names.length - 1], pinKey, env.get(pinKey))
                .isEqualTo(pin.line());
    }

    private static ProgramVersion installed(String... names) {
        Path program = Executables.findAny(names).orElseThrow(() -> new AssertionError(names[0]
                + " is not installed (not on PATH); install with: sudo bash .ci/install-packages"));
        return ProgramVersion.of(program);
    }

    @Test
    void theImagesJavaRunsWhatTheBuildCompiles() throws IOException {
        // The data-generator and change-exporter images compile in maven:${MAVEN_IMAGE_TAG} and run on
        // eclipse-temurin:${JRE_IMAGE_TAG}; classes built for a newer release than that JRE fail to start with
        // UnsupportedClassVersionError, which no test here would see (no image is built).
        Matcher release = Pattern.compile("<maven.compiler.release>(\\d+)</maven.compiler.release>")
                .matcher(Files.readString(repo.file("pom.xml")));
        assertThat(release.find()).as("root pom sets maven.compiler.release").isTrue();
        int compiled = Integer.parseInt(release.group(1));
        Matcher jre = Pattern.compile("^(\\d+)").matcher(env.get("JRE_IMAGE_TAG"));
        Matcher jdk = Pattern.compile("eclipse-temurin-(\\d+)").matcher(env.get("MAVEN_IMAGE_TAG"));
        assertThat(jre.find() && jdk.find()).as("JRE_IMAGE_TAG and MAVEN_IMAGE_TAG name a Java version").isTrue();
        assertThat(Integer.parseInt(jre.group(1))).as("JRE_IMAGE_TAG's Java").isGreaterThanOrEqualTo(compiled);
        assertThat(Integer.parseInt(jdk.group(1))).as("MAVEN_IMAGE_TAG's Java").isGreaterThanOrEqualTo(compiled);
    }

    @Test
    void dockerfileDefaultsEqualDotEnv() throws IOException {
        // A Dockerfile may default an ARG for `docker build` without compose; the default must be .env's value, or
        // the two ways of building give different images.
        List<String> drift = new ArrayList<>();
        for (String dockerfile : List.of("debezium-jmx-exporter/Dockerfile", "data-generator/Dockerfile",
                "change-exporter/Dockerfile")) {
            Path file = repo.root().resolve(dockerfile);
            if (!Files.exists(file)) {
                continue; // change-exporter/ arrives with its own branch
            }
            Matcher arg = Pattern.compile("(?m)^ARG ([A-Z0-9_]+)=(\\S+)").matcher(Files.readString(file));
            while (arg.find()) {
                String pinned = env.asMap().get(arg.group(1));
                if (pinned != null && !pinned.equals(arg.group(2))) {
                    drift.add(dockerfile + ": ARG " + arg.group(1) + "=" + arg.group(2) + " but .env has " + pinned);
                }
            }
        }
        assertThat(drift).isEmpty();
    }
}
