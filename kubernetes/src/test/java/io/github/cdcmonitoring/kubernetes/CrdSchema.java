package io.github.cdcmonitoring.kubernetes;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** One served version of a vendored CRD (src/test/resources/crds/), as a JSON Schema validator. */
final class CrdSchema {

    /** apiVersion + " " + kind -> the vendored CRD file that defines it. */
    static final Map<String, String> VENDORED = Map.of(
            "kafka.strimzi.io/v1 Kafka", "crds/strimzi/040-Crd-kafka.yaml",
            "kafka.strimzi.io/v1 KafkaConnect", "crds/strimzi/041-Crd-kafkaconnect.yaml",
            "kafka.strimzi.io/v1 KafkaNodePool", "crds/strimzi/045-Crd-kafkanodepool.yaml",
            "kafka.strimzi.io/v1 KafkaConnector", "crds/strimzi/047-Crd-kafkaconnector.yaml",
            "monitoring.coreos.com/v1 PodMonitor", "crds/prometheus-operator/monitoring.coreos.com_podmonitors.yaml",
            "monitoring.coreos.com/v1 PrometheusRule", "crds/prometheus-operator/monitoring.coreos.com_prometheusrules.yaml");

    private final JsonNode crd;
    private final JsonNode version;
    private final Schema schema;

    private CrdSchema(String resource, String apiVersion, boolean strict) {
        this.crd = YamlDocuments.read(resourceText(resource));
        String versionName = apiVersion.substring(apiVersion.indexOf('/') + 1);
        JsonNode found = null;
        for (JsonNode v : crd.at("/spec/versions")) {
            if (versionName.equals(v.path("name").asString(""))) {
                found = v;
            }
        }
        if (found == null) {
            throw new IllegalArgumentException(resource + " has no version " + versionName);
        }
        this.version = found;
        JsonNode jsonSchema = CrdSchemaConverter.toJsonSchema(found.at("/schema/openAPIV3Schema"), strict);
        this.schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
                .getSchema(SchemaLocation.of("classpath:" + resource), jsonSchema);
    }

    /** The vendored CRD of {@code apiVersion}/{@code kind}, strict (unknown fields rejected) or as the CRD says. */
    static CrdSchema of(String apiVersion, String kind, boolean strict) {
        String resource = VENDORED.get(apiVersion + " " + kind);
        if (resource == null) {
            throw new IllegalArgumentException("no vendored CRD for " + apiVersion + " " + kind);
        }
        return new CrdSchema(resource, apiVersion, strict);
    }

    static CrdSchema strictFor(JsonNode resource) {
        return of(resource.path("apiVersion").asString(""), resource.path("kind").asString(""), true);
    }

    JsonNode crd() {
        return crd;
    }

    JsonNode version() {
        return version;
    }

    /** Each violation as "path: message". */
    List<String> errors(JsonNode resource) {
        List<String> messages = new ArrayList<>();
        for (Error error : schema.validate(resource)) {
            messages.add(error.toString());
        }
        return messages;
    }

    static String resourceText(String resource) {
        try (InputStream in = CrdSchema.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
