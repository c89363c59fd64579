package io.github.cdcmonitoring.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdcmonitoring.repo.ComposeFile;
import io.github.cdcmonitoring.repo.DotEnv;
import io.github.cdcmonitoring.repo.RepoFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Docker Compose itself judges docker-compose.yml ({@code docker compose config}, no daemon needed): the file and every
 * profile it defines must load, and the native stack's own reading of the file ({@link ComposeFile}, which interpolates
 * .env by hand so that the native stack runs without Compose) must give every service the environment and bind mounts
 * Compose's resolved model gives it.
 */
class ComposeConfigTest {

    /** The services whose settings the native stack takes from the compose file (StackConfiguration, ConnectWorker). */
    private static final List<String> SERVICES_READ_NATIVELY = List.of("kafka", "connect", "connector-init",
            "data-generator", "postgres-exporter", "grafana");

    /** node-exporter's mount-point pattern as docker-compose.yml writes it ($$ for one $). */
    private static final String SHIPPED_MOUNT_POINTS = "^(/pgdata|/kafkadata(-[0-9]+)?)$$";

    private final RepoFiles repo = RepoFiles.locate();

    @TempDir
    Path scratch;

    @Test
    void composeAcceptsTheFileAndEveryProfile() {
        ComposeCli compose = ComposeCli.find(scratch);
        ComposeCli.Result profiles = compose.run(repo.root(), "-f", "docker-compose.yml", "config", "--profiles");
        assertThat(profiles.exitCode()).as("config --profiles: " + profiles.output()).isZero();
        List<List<String>> runs = new ArrayList<>();
        runs.add(List.of());
        profiles.lines().forEach(profile -> runs.add(List.of("--profile", profile.strip())));
        for (List<String> profile : runs) {
            List<String> args = new ArrayList<>(List.of("-f", "docker-compose.yml"));
            args.addAll(profile);
            args.addAll(List.of("config", "--quiet"));
            ComposeCli.Result result = compose.run(repo.root(), args.toArray(String[]::new));
            System.out.println("COMPOSE | config --quiet " + profile + " | exit " + result.exitCode() + " | "
                    + result.output().strip());
            assertThat(result.exitCode()).as("docker compose " + args + ": " + result.output()).isZero();
            assertThat(result.output()).as("docker compose " + args).isBlank();
        }
    }

    @Test
    void composeRefusesABrokenDependsOnConditionInOneLine() throws IOException {
        ComposeCli compose = ComposeCli.find(scratch);
        String real = Files.readString(repo.file("docker-compose.yml"), StandardCharsets.UTF_8);
        String broken = real.replaceFirst("condition: service_healthy", "condition: service_happy");
        assertThat(broken).as("the real file has a depends_on condition to break").isNotEqualTo(real);
        Path project = Files.createDirectory(scratch.resolve("project"));
        Files.writeString(project.resolve("docker-compose.yml"), broken, StandardCharsets.UTF_8);
        ComposeCli.Result result = compose.run(project, "-f", "docker-compose.yml", "--env-file",
                repo.file(".env").toString(), "config", "--quiet");
        System.out.println("COMPOSE | depends_on condition service_happy | exit " + result.exitCode() + " | "
                + result.output().strip());
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.lines()).singleElement().asString()
                .containsPattern("services\\.[a-z-]+\\.depends_on\\.[a-z-]+\\.condition value must be one of");
    }

    @Test
    void theNativeStacksReadingOfTheFileIsComposes() throws IOException {
        ComposeCli compose = ComposeCli.find(scratch);
        ComposeCli.Result result = compose.run(repo.root(), "-f", "docker-compose.yml", "config", "--format", "json");
        assertThat(result.exitCode()).as(result.output()).isZero();
        JsonNode model = new ObjectMapper().readTree(result.output()).path("services");
        ComposeFile native_ = ComposeFile.read(repo.file("docker-compose.yml"), repo.dotEnv().asMap());
        for (String service : SERVICES_READ_NATIVELY) {
            assertThat(model.has(service)).as("Compose's model has service " + service).isTrue();
            Map<String, String> composes = new TreeMap<>();
            model.path(service).path("environment").fields().forEachRemaining(field -> {
                // null: a variable named without a value, taken from the shell by Compose; the native stack leaves
                // it out (it reads only the repository's files), and so does this comparison.
                if (!field.getValue().isNull()) {
                    composes.put(field.getKey(), field.getValue().asText());
                }
            });
            assertThat(new TreeMap<>(native_.serviceEnvironment(service)))
                    .as("services." + service + ".environment, native reading vs docker compose config")
                    .isEqualTo(composes);
            assertThat(native_.serviceBindMounts(service))
                    .as("services." + service + ".volumes (bind mounts), native reading vs docker compose config")
                    .isEqualTo(bindMounts(model.path(service)));
        }
    }

    @Test
    void theNativeStacksNodeExporterArgumentsAreComposes() throws IOException {
        ComposeCli compose = ComposeCli.find(scratch);
        ComposeCli.Result result = compose.run(repo.root(), "-f", "docker-compose.yml", "config", "--format", "json");
        assertThat(result.exitCode()).as(result.output()).isZero();
        List<String> composes = new ArrayList<>();
        new ObjectMapper().readTree(result.output()).path("services").path(StackConfiguration.NODE_EXPORTER_SERVICE)
                // `config` prints $$ as written (its output is again a compose file); the container gets one $.
                .path("command").forEach(argument -> composes.add(argument.asText().replace("$$", "$")));
        assertThat(ComposeFile.read(repo.file("docker-compose.yml"), repo.dotEnv().asMap())
                .serviceCommand(StackConfiguration.NODE_EXPORTER_SERVICE))
                .as("services.node-exporter.command, native reading vs docker compose config").isEqualTo(composes)
                .anyMatch(argument -> argument.startsWith(MonitoringServices.MOUNT_POINT_OPTION));
    }

    /*
     * The native stack watches the filesystems of its own data folders in place of node-exporter's mount points, so it
     * refuses a pattern that would not select the compose volumes' mount points, or would select the whole machine.
     */
    @Test
    void aNodeExporterPatternMissingAVolumeOrTakingTheRootIsNamed() throws IOException {
        assertThat(StackConfiguration.nodeExporterArguments(readWithPattern(SHIPPED_MOUNT_POINTS))).isNotEmpty();
        String expected = "docker-compose.yml: services.node-exporter.command must contain "
                + MonitoringServices.MOUNT_POINT_OPTION + "<pattern> that takes /pgdata and /kafkadata (the mount "
                + "points of the postgres-data and kafka-data volumes) and not the root filesystem /";
        for (String pattern : List.of("^(/pgdata)$$", ".*")) {
            assertThatThrownBy(() -> StackConfiguration.nodeExporterArguments(readWithPattern(pattern)))
                    .as(pattern).isInstanceOf(IllegalStateException.class).hasMessageEndingWith(expected);
        }
        assertThatThrownBy(() -> StackConfiguration.nodeExporterArguments(readWithPattern("^(/pgdata$$")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("is not a regular expression");
    }

    /** docker-compose.yml, copied with another node-exporter mount-point pattern. */
    private ComposeFile readWithPattern(String pattern) throws IOException {
        String shipped = SHIPPED_MOUNT_POINTS;
        String original = Files.readString(repo.file("docker-compose.yml"));
        assertThat(original).contains(MonitoringServices.MOUNT_POINT_OPTION + shipped);
        Path copy = scratch.resolve("docker-compose.yml");
        Files.writeString(copy, original.replace(MonitoringServices.MOUNT_POINT_OPTION + shipped,
                MonitoringServices.MOUNT_POINT_OPTION + pattern));
        return ComposeFile.read(copy, repo.dotEnv().asMap());
    }

    /*
     * The native stack reads .env with its own reader (DotEnv): quoted values and comments after a value must come out
     * as Compose reads them, or a password edited as PASSWORD="x" # note differs between the two stacks.
     */
    @Test
    void dotEnvValuesAreReadAsComposeReadsThem() throws IOException {
        ComposeCli compose = ComposeCli.find(scratch);
        Map<String, String> lines = new LinkedHashMap<>();
        lines.put("PLAIN", "value");
        lines.put("HASH_INSIDE", "a#b");
        lines.put("SPACE_COMMENT", "a #comment");
        lines.put("TAB_HASH", "a\t#not a comment");
        lines.put("DOUBLE_QUOTED", "\"quoted\" # comment");
        lines.put("SINGLE_QUOTED", "'single' #comment");
        lines.put("QUOTED_HASH", "\"has # inside\"");
        lines.put("PADDED", "  padded  ");
        Path project = Files.createDirectory(scratch.resolve("dotenv"));
        StringBuilder env = new StringBuilder();
        StringBuilder file = new StringBuilder("services:\n  probe:\n    image: busybox\n    environment:\n");
        lines.forEach((key, value) -> {
            env.append(key).append('=').append(value).append('\n');
            file.append("      ").append(key).append(": ${").append(key).append("}\n");
        });
        Files.writeString(project.resolve(".env"), env, StandardCharsets.UTF_8);
        Files.writeString(project.resolve("docker-compose.yml"), file, StandardCharsets.UTF_8);
        ComposeCli.Result result = compose.run(project, "-f", "docker-compose.yml", "config", "--format", "json");
        assertThat(result.exitCode()).as(result.output()).isZero();
        Map<String, String> composes = new TreeMap<>();
        new ObjectMapper().readTree(result.output()).path("services").path("probe").path("environment").fields()
                .forEachRemaining(field -> composes.put(field.getKey(), field.getValue().asText()));
        assertThat(new TreeMap<>(DotEnv.read(project.resolve(".env")).asMap())).isEqualTo(composes);
    }

    /** Container path -> host path relative to the repository, of Compose's resolved (absolute) bind mounts. */
    private Map<String, String> bindMounts(JsonNode service) {
        Map<String, String> mounts = new LinkedHashMap<>();
        for (JsonNode volume : service.path("volumes")) {
            if ("bind".equals(volume.path("type").asText())) {
                Path source = Path.of(volume.path("source").asText());
                String relative = source.startsWith(repo.root()) ? "./" + repo.root().relativize(source)
                        : source.toString();
                mounts.put(volume.path("target").asText(), relative);
            }
        }
        return mounts;
    }
}
