package io.github.cdcmonitoring.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every custom resource of the manifests against the vendored CRD of its kind (Strimzi 1.2.0, Prometheus Operator
 * v0.93.0; src/test/resources/crds/README.md), in strict mode (CrdSchemaConverter: a field the API server would prune
 * is an error). The deliberate breaks show the check is real and names the place.
 */
class CrdValidationTest {

    @Test
    void everyCustomResourceIsValidAgainstItsCrdInStrictMode() {
        List<String> errors = new ArrayList<>();
        int checked = 0;
        for (ObjectNode resource : Manifests.resources()) {
            if (resource.path("apiVersion").asString("").equals("v1")) {
                continue; // core kinds: CoreKindsTest
            }
            checked++;
            CrdSchema.strictFor(resource).errors(resource)
                    .forEach(e -> errors.add(resource.path("kind").asString() + " " + resource.at("/metadata/name").asString() + ": " + e));
        }
        assertThat(checked).as("custom resources checked").isEqualTo(7);
        assertThat(errors).isEmpty();
    }

    @Test
    void everyCustomResourceUsesAServedStorageVersionOfItsCrd() {
        for (ObjectNode resource : Manifests.resources()) {
            if (resource.path("apiVersion").asString("").equals("v1")) {
                continue;
            }
            CrdSchema schema = CrdSchema.strictFor(resource);
            String group = resource.path("apiVersion").asString().split("/")[0];
            assertThat(schema.crd().at("/spec/group").asString()).isEqualTo(group);
            assertThat(schema.crd().at("/spec/names/kind").asString()).isEqualTo(resource.path("kind").asString());
            assertThat(schema.version().path("served").asBoolean()).as(resource.path("kind") + " version served").isTrue();
            assertThat(schema.version().path("storage").asBoolean()).as(resource.path("kind") + " storage version").isTrue();
        }
    }

    @Test
    void aMisspeltFieldIsRejectedNamingItsPath() {
        ObjectNode kafka = Manifests.one("Kafka");
        ((ObjectNode) kafka.at("/spec/kafka")).put("replicass", 3);
        assertThat(CrdSchema.strictFor(kafka).errors(kafka))
                .anySatisfy(e -> assertThat(e).contains("/spec/kafka").contains("replicass"));

        ObjectNode monitor = Manifests.ofKind("PodMonitor").get(0);
        ((ObjectNode) monitor.at("/spec/podMetricsEndpoints/0")).put("intervall", "15s");
        assertThat(CrdSchema.strictFor(monitor).errors(monitor))
                .anySatisfy(e -> assertThat(e).contains("/spec/podMetricsEndpoints/0").contains("intervall"));
    }

    @Test
    void withoutStrictModeTheSameMisspellingPasses() {
        // Why strict mode exists: Strimzi's CRDs leave objects open, so the plain schema accepts the typo that the API
        // server would then silently prune.
        ObjectNode kafka = Manifests.one("Kafka");
        ((ObjectNode) kafka.at("/spec/kafka")).put("replicass", 3);
        assertThat(CrdSchema.of("kafka.strimzi.io/v1", "Kafka", false).errors(kafka)).isEmpty();
    }

    @Test
    void aWrongTypeIsRejectedNamingItsPath() {
        ObjectNode pool = Manifests.one("KafkaNodePool");
        ((ObjectNode) pool.get("spec")).put("replicas", "three");
        assertThat(CrdSchema.strictFor(pool).errors(pool))
                .anySatisfy(e -> assertThat(e).contains("/spec/replicas").contains("integer"));
    }

    @Test
    void aMissingRequiredFieldAndAValueOutsideTheEnumAreRejected() {
        ObjectNode connect = Manifests.one("KafkaConnect");
        ((ObjectNode) connect.get("spec")).remove("groupId");
        assertThat(CrdSchema.strictFor(connect).errors(connect)).anySatisfy(e -> assertThat(e).contains("groupId"));

        ObjectNode connector = Manifests.one("KafkaConnector");
        ((ObjectNode) connector.get("spec")).put("state", "sleeping");
        assertThat(CrdSchema.strictFor(connector).errors(connector))
                .anySatisfy(e -> assertThat(e).contains("/spec/state"));
    }

    @Test
    void strictModeLeavesFreeFormFieldsOpen() {
        // spec.kafka.config and KafkaConnector spec.config are x-kubernetes-preserve-unknown-fields: any property
        // name is Kafka's to judge, not the schema's; strict mode must not close them.
        ObjectNode kafka = Manifests.one("Kafka");
        ((ObjectNode) kafka.at("/spec/kafka/config")).put("any.broker.setting", "x");
        assertThat(CrdSchema.strictFor(kafka).errors(kafka)).isEmpty();
        ObjectNode connector = Manifests.one("KafkaConnector");
        ((ObjectNode) connector.at("/spec/config")).put("any.connector.setting", "x");
        assertThat(CrdSchema.strictFor(connector).errors(connector)).isEmpty();
    }

    @Test
    void aPrometheusRuleWithAMisspeltRuleFieldIsRejected() {
        ObjectNode rule = Manifests.one("PrometheusRule");
        JsonNode firstRule = rule.at("/spec/groups/0/rules/0");
        ((ObjectNode) firstRule).put("exprr", "up");
        assertThat(CrdSchema.strictFor(rule).errors(rule))
                .anySatisfy(e -> assertThat(e).contains("/spec/groups/0/rules/0").contains("exprr"));
    }
}
