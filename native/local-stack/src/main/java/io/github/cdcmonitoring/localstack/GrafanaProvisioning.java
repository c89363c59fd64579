package io.github.cdcmonitoring.localstack;

import io.github.cdcmonitoring.localstack.config.YamlConfig;
import io.github.cdcmonitoring.localstack.process.NativeProcess;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Grafana for the native stack, where a {@code grafana} (or {@code grafana-server}) binary is installed: a copy of
 * {@code debezium-grafana/provisioning} in which only the container addresses change (the datasource's
 * {@code http://prometheus:9090} becomes the local Prometheus, the dashboard provider's
 * {@code /var/lib/grafana/dashboards} the repository's dashboards folder), and the compose service's GF_* settings
 * with the same path replaced. Grafana cannot be installed on the machines this project is tested on, so this path is
 * exercised only where it is.
 */
final class GrafanaProvisioning {

    /** Where compose mounts debezium-grafana/dashboards in the grafana container. */
    static final String CONTAINER_DASHBOARDS = "/var/lib/grafana/dashboards";

    /**
     * The provisioning folders the grafana/grafana image creates (its Dockerfile), empty but for the two compose mounts
     * from the repository. Grafana logs an error at every start for a missing plugins/ or alerting/ folder.
     */
    static final List<String> IMAGE_FOLDERS =
            List.of("datasources", "dashboards", "notifiers", "plugins", "access-control", "alerting");

    private GrafanaProvisioning() {
    }

    static ServiceProcess grafana(StackConfiguration.Monitoring settings, Path binary, String prometheusUrl, int port,
                                  Path dir) {
        Path dashboards = settings.grafanaDir().resolve("dashboards").toAbsolutePath();
        Path provisioning = dir.resolve("provisioning");
        copyProvisioning(settings.grafanaDir().resolve("provisioning"), provisioning, prometheusUrl, dashboards);

        Map<String, String> environment = new LinkedHashMap<>();
        settings.grafanaEnvironment().forEach((key, value) ->
                environment.put(key, value.replace(CONTAINER_DASHBOARDS, dashboards.toString())));
        environment.put("GF_PATHS_PROVISIONING", provisioning.toString());
        environment.put("GF_PATHS_DATA", dir.resolve("data").toString());
        environment.put("GF_PATHS_LOGS", dir.resolve("logs").toString());
        environment.put("GF_PATHS_PLUGINS", dir.resolve("plugins").toString());
        environment.put("GF_SERVER_HTTP_ADDR", "127.0.0.1");
        environment.put("GF_SERVER_HTTP_PORT", Integer.toString(port));

        Path home = home(binary);
        List<String> args = binary.getFileName().toString().equals("grafana")
                ? List.of("server", "--homepath", home.toString())
                : List.of("--homepath", home.toString());
        NativeProcess process = NativeProcess.of("Grafana", binary, args, environment, dir.resolve("grafana.log"));
        String url = "http://127.0.0.1:" + port;
        return new ServiceProcess(process, url, url + "/api/health", body -> true, "HTTP 200");
    }

    /** Grafana's home (holding conf/defaults.ini): next to a tarball's bin/, or the packages' /usr/share/grafana. */
    private static Path home(Path binary) {
        Path real;
        try {
            real = binary.toRealPath();
        } catch (IOException e) {
            real = binary;
        }
        for (Path candidate : new Path[] {real.getParent().getParent(), Path.of("/usr/share/grafana")}) {
            if (candidate != null && Files.isRegularFile(candidate.resolve("conf/defaults.ini"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("found " + binary + " but not Grafana's home folder (with conf/defaults.ini)"
                + " beside it or at /usr/share/grafana");
    }

    /** The repository's provisioning with local addresses, beside the image's empty folders, as the container sees it. */
    static void copyProvisioning(Path source, Path target, String prometheusUrl, Path dashboards) {
        if (!Files.isDirectory(source)) {
            throw new IllegalStateException("missing " + source);
        }
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path copy = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else if (file.toString().endsWith(".yml") || file.toString().endsWith(".yaml")) {
                    Files.writeString(copy, rewrite(file, prometheusUrl, dashboards));
                } else {
                    Files.copy(file, copy);
                }
            }
            for (String folder : IMAGE_FOLDERS) {
                Files.createDirectories(target.resolve(folder));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + source + " to " + target, e);
        }
    }

    /** The datasources' Prometheus URL and the providers' dashboards path; nothing else changes. */
    @SuppressWarnings("unchecked")
    private static String rewrite(Path file, String prometheusUrl, Path dashboards) throws IOException {
        Object document;
        try (Reader reader = Files.newBufferedReader(file)) {
            document = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        }
        if (document instanceof Map<?, ?> root) {
            for (Map<String, Object> datasource : entries(root.get("datasources"))) {
                if ("prometheus".equals(datasource.get("type"))) {
                    datasource.put("url", prometheusUrl);
                }
            }
            for (Map<String, Object> provider : entries(root.get("providers"))) {
                if (provider.get("options") instanceof Map<?, ?> options
                        && CONTAINER_DASHBOARDS.equals(((Map<String, Object>) options).get("path"))) {
                    ((Map<String, Object>) options).put("path", dashboards.toString());
                }
            }
        }
        return YamlConfig.dump(file + " with local addresses, written by local-stack", document);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> entries(Object node) {
        if (!(node instanceof List<?> list)) {
            return List.of();
        }
        return list.stream().filter(Map.class::isInstance).map(e -> (Map<String, Object>) e).toList();
    }

}
