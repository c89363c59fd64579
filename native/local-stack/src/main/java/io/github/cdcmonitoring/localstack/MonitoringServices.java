package io.github.cdcmonitoring.localstack;

import io.github.cdcmonitoring.localstack.config.AlertmanagerConfigRewrite;
import io.github.cdcmonitoring.localstack.config.MountPoint;
import io.github.cdcmonitoring.localstack.config.PrometheusConfigRewrite;
import io.github.cdcmonitoring.localstack.process.ForkedJvm;
import io.github.cdcmonitoring.localstack.process.NativeProcess;
import io.github.cdcmonitoring.postgres.RepoPostgres;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The monitoring processes of the native stack, configured as their compose services are but on loopback ports: the
 * data generator and the change exporter (their runnable jars, each in its own JVM), postgres_exporter, node_exporter,
 * Prometheus and Alertmanager (the distribution's binaries). Grafana is {@link GrafanaProvisioning}'s.
 */
final class MonitoringServices {

    private MonitoringServices() {
    }

    /**
     * {@code java -jar data-generator.jar} writing into the stack's database; the compose service's role and password
     * (PGUSER, PGPASSWORD in {@code generatorWorkload}) replace the superuser's.
     */
    static ServiceProcess generator(StackConfiguration.Monitoring settings, RepoPostgres db, int metricsPort, Path dir) {
        Map<String, String> environment = db.clientEnvironment();
        environment.putAll(settings.generatorWorkload());
        environment.put("GENERATOR_METRICS_PORT", Integer.toString(metricsPort));
        ForkedJvm jvm = ForkedJvm.ofJar("data generator", settings.generatorJar(), environment,
                dir.resolve("data-generator.log"));
        String metrics = metricsUrl(metricsPort);
        return new ServiceProcess(jvm, metrics, metrics, body -> true, "HTTP 200");
    }

    /** {@code java -jar change-exporter.jar} consuming every table topic of the connector. */
    static ServiceProcess changeExporter(StackConfiguration.Monitoring settings, String bootstrapServers,
                                         String topicPattern, int metricsPort, Path dir) {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        environment.put("CHANGE_EXPORTER_TOPIC_PATTERN", topicPattern);
        environment.put("CHANGE_EXPORTER_METRICS_PORT", Integer.toString(metricsPort));
        ForkedJvm jvm = ForkedJvm.ofJar("change exporter", settings.changeExporterJar(), environment,
                dir.resolve("change-exporter.log"));
        String metrics = metricsUrl(metricsPort);
        return new ServiceProcess(jvm, metrics, metrics, body -> true, "HTTP 200");
    }

    /**
     * postgres_exporter with the compose service's settings (its own least-privilege role, the repository's custom
     * queries); ready once it reaches the database ({@code pg_up 1}), which also proves the role and its password.
     */
    static ServiceProcess postgresExporter(StackConfiguration.Monitoring settings, int port, Path dir) {
        NativeProcess process = NativeProcess.of("postgres_exporter", settings.postgresExporter(),
                List.of("--web.listen-address=127.0.0.1:" + port), settings.postgresExporterEnvironment(),
                dir.resolve("postgres-exporter.log"));
        String metrics = metricsUrl(port);
        return new ServiceProcess(process, metrics, metrics, body -> body.lines().anyMatch("pg_up 1"::equals),
                "pg_up 1 (logged in as " + role(settings) + ")");
    }

    /** The compose node-exporter's argument that names the one filesystem it watches. */
    static final String MOUNT_POINT_OPTION = "--collector.filesystem.mount-points-include=";

    /**
     * node_exporter with the compose service's arguments, its filesystems those that hold PostgreSQL's data and the
     * broker's log here (their mount points instead of the container's {@code /pgdata} and {@code /kafkadata}); ready
     * once it reports a filesystem's free space.
     */
    static ServiceProcess nodeExporter(StackConfiguration.Monitoring settings, Path postgresData, Path kafkaLog,
            int port, Path dir) {
        // Here both folders are usually on one filesystem: one mount point, one series, which both the PostgreSQL
        // and the Kafka filesystem alerts read (in compose each volume has a mount point of its own).
        List<String> watched = java.util.stream.Stream.of(MountPoint.of(postgresData), MountPoint.of(kafkaLog))
                .distinct().toList();
        String mountPoints = watched.stream().map(java.util.regex.Pattern::quote)
                .collect(java.util.stream.Collectors.joining("|"));
        List<String> arguments = new java.util.ArrayList<>();
        for (String argument : settings.nodeExporterArguments()) {
            arguments.add(argument.startsWith(MOUNT_POINT_OPTION)
                    ? MOUNT_POINT_OPTION + "^(" + mountPoints + ")$" : argument);
        }
        arguments.add("--web.listen-address=127.0.0.1:" + port);
        NativeProcess process = NativeProcess.of("node_exporter", settings.nodeExporter(), arguments, Map.of(),
                dir.resolve("node-exporter.log"));
        String metrics = metricsUrl(port);
        return new ServiceProcess(process, metrics, metrics,
                body -> body.lines().anyMatch(line -> line.startsWith("node_filesystem_avail_bytes{")),
                "node_filesystem_avail_bytes of " + String.join(" and ", watched));
    }

    /** The role postgres_exporter logs in as, for messages. */
    static String role(StackConfiguration.Monitoring settings) {
        return settings.postgresExporterEnvironment().getOrDefault("DATA_SOURCE_USER", "the DATA_SOURCE_NAME role");
    }

    /** Prometheus on a copy of debezium-prometheus/prometheus.yml with local targets; its TSDB in {@code dir}. */
    static ServiceProcess prometheus(StackConfiguration.Monitoring settings, Map<String, Integer> jobPorts,
                                     Map<String, List<Integer>> moreTargets, int port, Path dir) {
        return prometheus(settings.prometheus(), settings.prometheusYml(), jobPorts, moreTargets, port, dir,
                settings.alertTimingDivisor());
    }

    /** @param moreTargets further ports of a job beside {@code jobPorts}' (the cluster shape's other nodes) */
    static ServiceProcess prometheus(Path binary, Path prometheusYml, Map<String, Integer> jobPorts,
                                     Map<String, List<Integer>> moreTargets, int port, Path dir,
                                     int alertTimingDivisor) {
        Path config = dir.resolve("prometheus.yml");
        PrometheusConfigRewrite.write(prometheusYml, jobPorts, moreTargets, config, alertTimingDivisor);
        NativeProcess process = NativeProcess.of("Prometheus", binary,
                List.of("--config.file=" + config,
                        "--storage.tsdb.path=" + dir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + port),
                Map.of(), dir.resolve("prometheus.log"));
        String url = "http://127.0.0.1:" + port;
        return new ServiceProcess(process, url, url + "/-/ready", body -> true, "HTTP 200");
    }

    /**
     * Alertmanager on debezium-prometheus/alertmanager.yml (or the copy {@link AlertmanagerConfigRewrite} derives for
     * a test's webhook or divided timings), its silences and notification log in {@code dir}, the gossip cluster
     * off (an empty --cluster.listen-address; it would otherwise listen on 0.0.0.0:9094).
     */
    static ServiceProcess alertmanager(StackConfiguration.Monitoring settings, int port, Path dir) {
        Path config = AlertmanagerConfigRewrite.configFor(settings.alertmanagerYml(), settings.alertWebhook(),
                settings.alertTimingDivisor(), dir.resolve("alertmanager.yml"));
        NativeProcess process = NativeProcess.of("Alertmanager", settings.alertmanager(),
                List.of("--config.file=" + config,
                        "--storage.path=" + dir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + port,
                        "--cluster.listen-address="),
                Map.of(), dir.resolve("alertmanager.log"));
        String url = "http://127.0.0.1:" + port;
        return new ServiceProcess(process, url, url + "/-/ready", body -> true, "HTTP 200");
    }

    private static String metricsUrl(int port) {
        return "http://127.0.0.1:" + port + "/metrics";
    }


}
