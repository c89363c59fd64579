package io.github.cdcmonitoring.kubernetes;

import io.github.cdcmonitoring.repo.RepoFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The committed manifests of kubernetes/manifests/, parsed: what the tests check is what a user applies. */
final class Manifests {

    static final RepoFiles REPO = RepoFiles.locate();

    private Manifests() {
    }

    static String text(String file) {
        try {
            return Files.readString(REPO.file(ManifestSet.FOLDER + "/" + file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every resource of every manifest file but the kustomization, as (deep copies of) their documents. */
    static List<ObjectNode> resources() {
        List<ObjectNode> resources = new ArrayList<>();
        for (String file : ManifestSet.render(sources()).keySet()) {
            if (!file.equals(ManifestSet.KUSTOMIZATION)) {
                YamlDocuments.readAll(text(file)).forEach(d -> resources.add((ObjectNode) d));
            }
        }
        return resources;
    }

    static List<ObjectNode> ofKind(String kind) {
        return resources().stream().filter(r -> kind.equals(r.path("kind").asString(""))).toList();
    }

    static ObjectNode one(String kind) {
        List<ObjectNode> found = ofKind(kind);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind + ", found " + found.size());
        }
        return found.get(0);
    }

    static ObjectNode configMap(String name) {
        return ofKind("ConfigMap").stream().filter(c -> name.equals(c.at("/metadata/name").asString("")))
                .findFirst().orElseThrow(() -> new AssertionError("no ConfigMap " + name));
    }

    static StackSources sources() {
        return StackSources.read(REPO);
    }

    static Map<String, String> rendered() {
        return ManifestSet.render(sources());
    }

    static JsonNode parse(String text) {
        return YamlDocuments.read(text);
    }
}
