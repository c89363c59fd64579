package io.github.cdcmonitoring.localstack.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.cdcmonitoring.repo.ComposeFile;
import io.github.cdcmonitoring.repo.RepoFiles;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.kafka.storage.internals.log.CleanerConfig;
import org.junit.jupiter.api.Test;

class KafkaImageSettingsTest {

    @Test
    void variablesBecomePropertiesAsTheImageDocumentsThem() {
        // The three examples of the apache/kafka image's docker/README.md, and a name with all three.
        assertThat(KafkaImageSettings.propertyName("ABC_DEF")).isEqualTo("abc.def");
        assertThat(KafkaImageSettings.propertyName("ABC___DEF")).isEqualTo("abc-def");
        assertThat(KafkaImageSettings.propertyName("ABC__DEF")).isEqualTo("abc_def");
        assertThat(KafkaImageSettings.propertyName("A_B__C___D")).isEqualTo("a.b_c-d");
    }

    @Test
    void theStartScriptsVariablesAreNotProperties() {
        KafkaImageSettings settings = KafkaImageSettings.of(Map.of("KAFKA_HEAP_OPTS", "-Xmx64m", "KAFKA_OPTS",
                "-javaagent:x.jar", "KAFKA_NODE_ID", "1", "CLUSTER_ID", "abc"));
        assertThat(settings.serverProperties()).containsExactly(Map.entry("node.id", "1"));
        assertThat(settings.heap()).containsExactly("-Xmx64m");
        assertThat(KafkaImageSettings.of(Map.of()).heap()).as("kafka-server-start.sh's own heap")
                .containsExactly("-Xmx1G", "-Xms1G");
    }

    @Test
    void theComposeBrokersHeapHoldsItsLogCleanersBuffer() throws IOException {
        // The cleaner allocates its whole dedupe buffer as one array at start; at half the heap (Kafka's 128 MiB in a
        // 256 MiB heap) the broker died of OutOfMemoryError in "Error starting LogManager" now and then.
        RepoFiles repo = RepoFiles.locate();
        KafkaImageSettings settings = KafkaImageSettings.of(
                ComposeFile.read(repo.file("docker-compose.yml"), repo.dotEnv().asMap()).serviceEnvironment("kafka"));
        long buffer = Long.parseLong(settings.serverProperties().getOrDefault(
                CleanerConfig.LOG_CLEANER_DEDUPE_BUFFER_SIZE_PROP,
                Long.toString(CleanerConfig.LOG_CLEANER_DEDUPE_BUFFER_SIZE)));
        long heap = maxHeapBytes(settings.heap());
        assertThat(buffer).as("log.cleaner.dedupe.buffer.size of the kafka service, against its heap %s",
                settings.heap()).isLessThanOrEqualTo(heap / 4);
    }

    private static long maxHeapBytes(List<String> heap) {
        String xmx = heap.stream().filter(option -> option.startsWith("-Xmx")).reduce((a, b) -> b).orElseThrow()
                .substring(4).toLowerCase(java.util.Locale.ROOT);
        long unit = switch (xmx.charAt(xmx.length() - 1)) {
            case 'g' -> 1L << 30;
            case 'm' -> 1L << 20;
            case 'k' -> 1L << 10;
            default -> 1;
        };
        return Long.parseLong(Character.isDigit(xmx.charAt(xmx.length() - 1)) ? xmx : xmx.substring(0, xmx.length() - 1))
                * unit;
    }
}
