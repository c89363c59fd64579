package io.github.cdcmonitoring.stackfiles;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdcmonitoring.repo.RepoFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The image builds of docker-compose.yml, read from the real Dockerfiles and ignore files (no Docker engine here):
 * what each build context sends to the builder, and the Maven cache the builds share.
 */
class DockerBuildContextTest {

    /** A RUN instruction's cache mount, e.g. {@code --mount=type=cache,target=/root/.m2,sharing=locked}. */
    private static final Pattern CACHE_MOUNT = Pattern.compile("--mount=(\\S*type=cache\\S*)");
    private static final Pattern COPY = Pattern.compile("(?m)^COPY\\s+(.+)$");

    /** A service that builds an image: its context and Dockerfile. */
    private record Build(String service, Path context, Path dockerfile) {
    }

    private static RepoFiles repo;
    private static List<Build> builds;

    @BeforeAll
    static void load() throws IOException {
        repo = RepoFiles.locate();
        JsonNode compose = new ObjectMapper().valueToTree(new Yaml().load(Files.readString(repo.file("docker-compose.yml"))));
        builds = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = compose.get("services").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> service = it.next();
            JsonNode build = service.getValue().path("build");
            if (!build.isMissingNode()) {
                Path context = repo.root().resolve(build.path("context").asText(".")).normalize();
                builds.add(new Build(service.getKey(), context,
                        context.resolve(build.path("dockerfile").asText("Dockerfile")).normalize()));
            }
        }
        assertThat(builds).extracting(Build::service).contains("connect", "data-generator", "change-exporter");
    }

    /**
     * Compose builds its images in parallel, and every cache mount with the same target shares one cache (its id
     * defaults to the target): two Maven runs writing one local repository at once can corrupt it, so each waits for
     * the other (sharing=locked; BuildKit's default is shared).
     */
    @Test
    void everyCacheMountIsLockedAgainstTheParallelBuild() throws IOException {
        List<String> unlocked = new ArrayList<>();
        int mounts = 0;
        for (Build build : builds) {
            Matcher mount = CACHE_MOUNT.matcher(Files.readString(build.dockerfile()));
            while (mount.find()) {
                mounts++;
                if (!List.of(mount.group(1).split(",")).contains("sharing=locked")) {
                    unlocked.add(repo.root().relativize(build.dockerfile()) + ": --mount=" + mount.group(1));
                }
            }
        }
        assertThat(mounts).as("cache mounts in the Dockerfiles").isGreaterThanOrEqualTo(2);
        assertThat(unlocked).as("cache mounts without sharing=locked").isEmpty();
    }

    /**
     * Every build context has an ignore file that keeps out each Maven module's target/ (a native build fills
     * debezium-jmx-exporter/target with the connector's jars; without it they are sent with every image build) and
     * still sends every file its Dockerfile copies.
     */
    @Test
    void everyBuildContextSendsWhatItsDockerfileCopiesAndNoBuildOutput() throws IOException {
        List<String> problems = new ArrayList<>();
        int outputsChecked = 0;
        for (Build build : builds) {
            Optional<DockerIgnore> ignore = DockerIgnore.of(build.context(), build.dockerfile());
            if (ignore.isEmpty()) {
                problems.add(build.service() + ": no " + build.dockerfile().getFileName() + ".dockerignore beside "
                        + repo.root().relativize(build.dockerfile()) + " and no .dockerignore in its context");
                continue;
            }
            for (String output : buildOutputs(build.context())) {
                outputsChecked++;
                if (ignore.get().sends(output)) {
                    problems.add(build.service() + ": " + repo.root().relativize(ignore.get().file()) + " sends " + output);
                }
            }
            for (String source : copiedSources(build.dockerfile())) {
                if (!Files.exists(build.context().resolve(source)) || !ignore.get().sends(source)) {
                    problems.add(build.service() + ": its Dockerfile copies " + source + ", which the context lacks");
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(outputsChecked).as("build outputs checked (the contexts holding Maven modules)").isPositive();
    }

    /**
     * A file inside target/ of each Maven module in the context (present or not: a native build creates them); none
     * for a context without one (kafka-jmx-exporter/).
     */
    private static List<String> buildOutputs(Path context) throws IOException {
        List<String> outputs = new ArrayList<>();
        try (Stream<Path> poms = Files.walk(context, 3)) {
            poms.filter(p -> p.getFileName().toString().equals("pom.xml"))
                    .filter(p -> !context.relativize(p).toString().contains("target/"))
                    .forEach(pom -> {
                        String module = context.relativize(pom.getParent()).toString().replace('\\', '/');
                        outputs.add((module.isEmpty() ? "" : module + "/") + "target/output.jar");
                    });
        }
        return outputs;
    }

    /** The context files a Dockerfile's COPY lines name (not those copied from another stage, not "."). */
    private static List<String> copiedSources(Path dockerfile) throws IOException {
        List<String> sources = new ArrayList<>();
        Matcher copy = COPY.matcher(Files.readString(dockerfile));
        while (copy.find()) {
            List<String> words = List.of(copy.group(1).trim().split("\\s+"));
            if (words.stream().anyMatch(w -> w.startsWith("--from="))) {
                continue;
            }
            List<String> operands = words.stream().filter(w -> !w.startsWith("--")).toList();
            operands.subList(0, operands.size() - 1).stream().filter(s -> !s.equals(".")).forEach(sources::add);
        }
        return sources;
    }
}
