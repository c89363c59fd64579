package io.github.cdcmonitoring.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What no vendored CRD checks: the core kinds (ConfigMaps) by hand, every resource's name and labels by Kubernetes'
 * own syntax rules, the kustomization, and that no Secret or password is generated.
 */
class CoreKindsTest {

    /** A DNS-1123 subdomain: what Kubernetes accepts as the name of a ConfigMap and of these custom resources. */
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    /** A ConfigMap data key. */
    private static final Pattern CONFIG_MAP_KEY = Pattern.compile("[-._a-zA-Z0-9]+");
    /** A label key: an optional DNS prefix and '/', then a name of at most 63 characters. */
    private static final Pattern LABEL_KEY = Pattern.compile("([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");
    /**
     * Client-side {@code kubectl apply} keeps the whole object in the last-applied-configuration annotation, which
     * the API server limits to 256 KiB: a larger ConfigMap can only be applied server-side.
     */
    private static final int LAST_APPLIED_LIMIT = 262_144;

    @Test
    void everyConfigMapIsAValidCoreObject() {
        List<ObjectNode> configMaps = Manifests.ofKind("ConfigMap");
        assertThat(configMaps).hasSize(2 + Manifests.sources().dashboards().size());
        for (ObjectNode configMap : configMaps) {
            String name = configMap.at("/metadata/name").asString();
            assertThat(configMap.path("apiVersion").asString()).as(name).isEqualTo("v1");
            assertThat(configMap.propertyNames()).as(name + " top-level fields").containsExactlyInAnyOrder("apiVersion", "kind", "metadata", "data");
            JsonNode data = configMap.get("data");
            assertThat(data.isObject() && !data.isEmpty()).as(name + " has data").isTrue();
            int bytes = 0;
            for (Map.Entry<String, JsonNode> entry : data.properties()) {
                assertThat(entry.getKey()).as(name + " data key").matches(CONFIG_MAP_KEY);
                assertThat(entry.getValue().isString()).as(name + "." + entry.getKey() + " is a string").isTrue();
                bytes += entry.getValue().asString().getBytes(StandardCharsets.UTF_8).length;
            }
            assertThat(bytes).as(name + " size (kubectl apply's annotation limit)").isLessThan(LAST_APPLIED_LIMIT);
        }
    }

    @Test
    void everyResourceHasAValidNameAndLabels() {
        List<String> problems = new ArrayList<>();
        for (ObjectNode resource : Manifests.resources()) {
            String name = resource.at("/metadata/name").asString("");
            if (name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches()) {
                problems.add(resource.path("kind").asString() + " name '" + name + "'");
            }
            for (Map.Entry<String, JsonNode> label : resource.at("/metadata/labels").properties()) {
                if (!LABEL_KEY.matcher(label.getKey()).matches() || !label.getValue().isString()
                        || !LABEL_VALUE.matcher(label.getValue().asString()).matches()) {
                    problems.add(name + " label " + label.getKey() + "=" + label.getValue());
                }
            }
            assertThat(resource.at("/metadata/namespace").isMissingNode())
                    .as(name + ": no namespace, applied into the user's (README.md)").isTrue();
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void noSecretAndNoPasswordIsGenerated() {
        assertThat(Manifests.ofKind("Secret")).isEmpty();
        String password = Manifests.REPO.dotEnv().get("CDC_DB_PASSWORD");
        Manifests.rendered().forEach((file, text) -> assertThat(text).as(file).doesNotContain(password));
    }

    @Test
    void theKustomizationListsEveryOtherManifestFile() {
        JsonNode kustomization = Manifests.parse(Manifests.text(ManifestSet.KUSTOMIZATION));
        assertThat(kustomization.path("kind").asString()).isEqualTo("Kustomization");
        List<String> listed = new ArrayList<>();
        kustomization.path("resources").forEach(r -> listed.add(r.asString()));
        List<String> others = Manifests.rendered().keySet().stream().filter(f -> !f.equals(ManifestSet.KUSTOMIZATION)).toList();
        assertThat(listed).containsExactlyElementsOf(others);
    }
}
