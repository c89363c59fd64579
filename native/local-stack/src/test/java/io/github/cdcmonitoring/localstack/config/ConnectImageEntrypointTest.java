package io.github.cdcmonitoring.localstack.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.cdcmonitoring.repo.ComposeFile;
import io.github.cdcmonitoring.repo.RepoFiles;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The translation of the connect service's environment, rule by rule as the image's docker-entrypoint.sh does it. */
class ConnectImageEntrypointTest {

    private static final String JSON = "org.apache.kafka.connect.json.JsonConverter";

    private static Map<String, String> env(String... keyValues) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CONFIG_STORAGE_TOPIC", "configs");
        env.put("OFFSET_STORAGE_TOPIC", "offsets");
        for (int i = 0; i < keyValues.length; i += 2) {
            env.put(keyValues[i], keyValues[i + 1]);
        }
        return env;
    }

    private static Map<String, String> properties(Map<String, String> env) {
        return ConnectImageEntrypoint.translate(env, "10.0.0.7").workerProperties();
    }

    @Test
    void imageDefaultsApplyOnTopOfTheStockFile() {
        Map<String, String> p = properties(env());
        assertThat(p).containsEntry("bootstrap.servers", "0.0.0.0:9092")
                .containsEntry("group.id", "1")
                .containsEntry("config.storage.topic", "configs")
                .containsEntry("offset.storage.topic", "offsets")
                .containsEntry("status.storage.topic", "connect-status") // stock value: STATUS_STORAGE_TOPIC unset
                .containsEntry("key.converter", JSON)
                .containsEntry("value.converter", JSON)
                .containsEntry("key.converter.schemas.enable", "true") // stock value
                .containsEntry("offset.flush.interval.ms", "60000")
                .containsEntry("offset.flush.timeout.ms", "5000")
                .containsEntry("task.shutdown.graceful.timeout.ms", "10000")
                .containsEntry("rest.port", "8083")
                .containsEntry("rest.host.name", "10.0.0.7")
                .containsEntry("rest.advertised.port", "8083")
                .containsEntry("rest.advertised.host.name", "10.0.0.7")
                .containsEntry("plugin.path", "/kafka/connect")
                .containsEntry("offset.storage.replication.factor", "1");
    }

    @Test
    void specialNamesMapToTheirProperties() {
        Map<String, String> p = properties(env("BOOTSTRAP_SERVERS", "kafka:29092", "GROUP_ID", "g",
                "STATUS_STORAGE_TOPIC", "statuses", "OFFSET_FLUSH_INTERVAL_MS", "5000", "OFFSET_FLUSH_TIMEOUT_MS", "7",
                "SHUTDOWN_TIMEOUT", "3", "KEY_CONVERTER", "k.K", "VALUE_CONVERTER", "v.V", "REST_PORT", "1",
                "REST_HOST_NAME", "h", "ADVERTISED_PORT", "2", "ADVERTISED_HOST_NAME", "a"));
        assertThat(p).containsEntry("bootstrap.servers", "kafka:29092").containsEntry("group.id", "g")
                .containsEntry("status.storage.topic", "statuses").containsEntry("offset.flush.interval.ms", "5000")
                .containsEntry("offset.flush.timeout.ms", "7").containsEntry("task.shutdown.graceful.timeout.ms", "3")
                .containsEntry("key.converter", "k.K").containsEntry("value.converter", "v.V")
                .containsEntry("rest.port", "1").containsEntry("rest.host.name", "h")
                .containsEntry("rest.advertised.port", "2").containsEntry("rest.advertised.host.name", "a");
    }

    @Test
    void specialNamesWinOverTheirConnectPrefixedTwins() {
        // The script exports CONNECT_GROUP_ID=$GROUP_ID (default 1) after reading the environment.
        Map<String, String> p = properties(env("CONNECT_GROUP_ID", "ignored", "CONNECT_OFFSET_FLUSH_INTERVAL_MS", "1"));
        assertThat(p).containsEntry("group.id", "1").containsEntry("offset.flush.interval.ms", "60000");
    }

    @Test
    void connectPrefixedVariablesBecomeDottedLowercaseProperties() {
        Map<String, String> p = properties(env("CONNECT_CONFIG_PROVIDERS", "env",
                "CONNECT_CONFIG_PROVIDERS_ENV_CLASS", "org.apache.kafka.common.config.provider.EnvVarConfigProvider",
                "CONNECT_LISTENERS", "http://:9999", "CONNECT_KEY_CONVERTER_SCHEMAS_ENABLE", "false"));
        assertThat(p).containsEntry("config.providers", "env")
                .containsEntry("config.providers.env.class",
                        "org.apache.kafka.common.config.provider.EnvVarConfigProvider")
                .containsEntry("listeners", "http://:9999") // commented out in the stock file
                .containsEntry("key.converter.schemas.enable", "false");
    }

    @Test
    void loggingVariablesAreNotWorkerProperties() {
        Map<String, String> p = properties(env("CONNECT_LOG4J_LOGGERS", "INFO", "CONNECT_LOG4J_APPENDER_X", "y"));
        assertThat(p.keySet()).noneMatch(k -> k.startsWith("log4j"));
    }

    @Test
    void heapOptionsAndKafkaOptsAreForTheJvmNotTheWorker() {
        ConnectImageEntrypoint.Result r = ConnectImageEntrypoint.translate(
                env("HEAP_OPTS", "-Xmx1g", "KAFKA_OPTS", "-javaagent:a.jar=8080:c.yml", "CDC_DB_PASSWORD", "s"), "h");
        assertThat(r.heapOpts()).isEqualTo("-Xmx1g");
        assertThat(r.kafkaOpts()).isEqualTo("-javaagent:a.jar=8080:c.yml");
        assertThat(r.environment()).containsEntry("CDC_DB_PASSWORD", "s")
                .doesNotContainKeys("HEAP_OPTS", "KAFKA_OPTS", "GROUP_ID");
        assertThat(r.workerProperties().keySet()).noneMatch(k -> k.contains("heap") || k.contains("kafka.opts"));
        assertThat(ConnectImageEntrypoint.translate(env(), "h").heapOpts()).isNull();
    }

    @Test
    void missingRequiredTopicsFailWithTheScriptsMessage() {
        Map<String, String> noConfigTopic = env();
        noConfigTopic.remove("CONFIG_STORAGE_TOPIC");
        assertThatThrownBy(() -> properties(noConfigTopic))
                .hasMessageContaining("CONFIG_STORAGE_TOPIC variable must be set");
        Map<String, String> noOffsetTopic = env();
        noOffsetTopic.put("OFFSET_STORAGE_TOPIC", "");
        assertThatThrownBy(() -> properties(noOffsetTopic))
                .hasMessageContaining("OFFSET_STORAGE_TOPIC variable must be set");
    }

    @Test
    void valuesTheScriptsSedWouldMangleAreRefused() {
        assertThatThrownBy(() -> properties(env("BOOTSTRAP_SERVERS", "user@host:9092")))
                .hasMessageContaining("CONNECT_BOOTSTRAP_SERVERS").hasMessageContaining("sed");
        // Appended lines are written with echo, which keeps them intact.
        assertThat(properties(env("CONNECT_SASL_JAAS_CONFIG", "user@realm")))
                .containsEntry("sasl.jaas.config", "user@realm");
    }

    @Test
    void avroThroughApicurioIsNotSupported() {
        assertThatThrownBy(() -> properties(env("APICURIO_REGISTRY", "http://r")))
                .hasMessageContaining("APICURIO_REGISTRY");
    }

    /**
     * The names the image itself consumes and the worker property each becomes, copied by hand from the image's
     * script, not from the code under test: debezium/container-images, connect-base/3.7/docker-entrypoint.sh at
     * commit 07fabf0541b948a0da58e4d8d0092d4e44696399 (lines 28-37 defaults, 62-77 the exports, 78-80 HEAP_OPTS;
     * the CONNECT_ loop from line 311).
     * The script's generic rule then turns each CONNECT_FOO_BAR into foo.bar.
     */
    private static final Map<String, String> IMAGE_NAMES = Map.ofEntries(
            Map.entry("BOOTSTRAP_SERVERS", "bootstrap.servers"),
            Map.entry("GROUP_ID", "group.id"),
            Map.entry("CONFIG_STORAGE_TOPIC", "config.storage.topic"),
            Map.entry("OFFSET_STORAGE_TOPIC", "offset.storage.topic"),
            Map.entry("STATUS_STORAGE_TOPIC", "status.storage.topic"),
            Map.entry("KEY_CONVERTER", "key.converter"),
            Map.entry("VALUE_CONVERTER", "value.converter"),
            Map.entry("SHUTDOWN_TIMEOUT", "task.shutdown.graceful.timeout.ms"),
            Map.entry("OFFSET_FLUSH_INTERVAL_MS", "offset.flush.interval.ms"),
            Map.entry("OFFSET_FLUSH_TIMEOUT_MS", "offset.flush.timeout.ms"),
            Map.entry("REST_PORT", "rest.port"),
            Map.entry("REST_HOST_NAME", "rest.host.name"),
            Map.entry("ADVERTISED_PORT", "rest.advertised.port"),
            Map.entry("ADVERTISED_HOST_NAME", "rest.advertised.host.name"));

    @Test
    void everyImageNameMapsToThePropertyTheScriptExports() {
        IMAGE_NAMES.forEach((name, property) -> assertThat(properties(env(name, "value-of-" + name)))
                .as(name).containsEntry(property, "value-of-" + name));
    }

    /**
     * The repository's connect service, checked against values written out by hand from docker-compose.yml and the
     * image's defaults, then every variable of the service accounted for by the script's rules: a name the image
     * consumes (the table above), CONNECT_* (to the property the rule names), the two JVM option variables, or a
     * variable the worker process simply sees (the connector's ${env:...} values).
     */
    @Test
    void theRepositorysComposeFileTranslatesCompletely() {
        RepoFiles repo = RepoFiles.locate();
        Map<String, String> compose = ComposeFile.read(repo.file("docker-compose.yml"), repo.dotEnv().asMap())
                .serviceEnvironment("connect");
        ConnectImageEntrypoint.Result result = ConnectImageEntrypoint.translate(compose, "127.0.0.1");
        Map<String, String> p = result.workerProperties();

        assertThat(p).containsEntry("bootstrap.servers", "kafka:29092")
                .containsEntry("group.id", "cdc-connect")
                .containsEntry("config.storage.topic", "connect_configs")
                .containsEntry("offset.storage.topic", "connect_offsets")
                .containsEntry("status.storage.topic", "connect_statuses")
                .containsEntry("offset.flush.interval.ms", "5000") // OFFSET_FLUSH_INTERVAL_MS, image default 60000
                .containsEntry("offset.flush.timeout.ms", "5000") // image default
                .containsEntry("task.shutdown.graceful.timeout.ms", "10000") // image default of SHUTDOWN_TIMEOUT
                .containsEntry("config.storage.replication.factor", "1")
                .containsEntry("offset.storage.replication.factor", "1")
                .containsEntry("status.storage.replication.factor", "1")
                .containsEntry("config.providers", "env")
                .containsEntry("config.providers.env.class",
                        "org.apache.kafka.common.config.provider.EnvVarConfigProvider")
                .containsEntry("connector.client.config.override.policy", "All")
                .containsEntry("key.converter", JSON)
                .containsEntry("value.converter", JSON)
                .containsEntry("plugin.path", "/kafka/connect"); // the image's Dockerfile: CONNECT_PLUGIN_PATH
        assertThat(result.heapOpts()).isEqualTo("-Xms128m -Xmx384m");
        assertThat(result.kafkaOpts()).startsWith("-javaagent:/kafka/jmx-exporter/jmx_prometheus_javaagent.jar=8080:");
        assertThat(result.environment()).containsKey("CDC_DB_PASSWORD");
        assertThat(p.keySet()).noneMatch(k -> k.contains("cdc.db") || k.contains("heap") || k.contains("kafka.opts"));

        compose.forEach((name, value) -> {
            if (IMAGE_NAMES.containsKey(name)) {
                assertThat(p).as(name).containsEntry(IMAGE_NAMES.get(name), value);
            } else if (name.startsWith("CONNECT_LOG4J")) {
                assertThat(p.keySet()).as(name).noneMatch(k -> k.startsWith("log4j"));
            } else if (name.startsWith("CONNECT_")) {
                String property = name.substring("CONNECT_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
                assertThat(p).as(name).containsEntry(property, value);
            } else if (name.equals("HEAP_OPTS")) {
                assertThat(result.heapOpts()).as(name).isEqualTo(value);
            } else if (name.equals("KAFKA_OPTS")) {
                assertThat(result.kafkaOpts()).as(name).isEqualTo(value);
            } else {
                assertThat(result.environment()).as(name + " reaches the worker process").containsEntry(name, value);
            }
        });
    }
}
