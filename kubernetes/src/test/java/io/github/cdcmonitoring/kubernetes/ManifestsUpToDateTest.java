package io.github.cdcmonitoring.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kubernetes/manifests/ is exactly what the generator renders from the repository's files today: a hand edit, or a
 * change to a source file (a rule, a dashboard, register-postgresql.json, .env) without regenerating, fails here.
 */
class ManifestsUpToDateTest {

    @Test
    void committedManifestsEqualWhatTheGeneratorRenders() {
        assertThat(differences(Manifests.rendered(), Manifests.REPO.root().resolve(ManifestSet.FOLDER)))
                .as("regenerate with: " + ManifestSet.REGENERATE)
                .isEmpty();
    }

    @Test
    void aHandEditAMissingAndAnExtraFileAreEachReported(@TempDir Path folder) throws IOException {
        Map<String, String> rendered = Manifests.rendered();
        for (Map.Entry<String, String> file : rendered.entrySet()) {
            Files.writeString(folder.resolve(file.getKey()), file.getValue());
        }
        assertThat(differences(rendered, folder)).isEmpty();

        String kafka = rendered.get("kafka.yaml");
        int editedLine = kafka.substring(0, kafka.indexOf("replicas: 3")).split("\n", -1).length;
        Files.writeString(folder.resolve("kafka.yaml"), kafka.replace("replicas: 3", "replicas: 4"));
        Files.delete(folder.resolve("monitoring.yaml"));
        Files.writeString(folder.resolve("extra.yaml"), "kind: ConfigMap\n");
        assertThat(differences(rendered, folder)).containsExactlyInAnyOrder(
                "kafka.yaml differs from the generator's output (first at line " + editedLine + ")",
                "monitoring.yaml is missing",
                "extra.yaml is not generated");
    }

    /** One line per file that is missing, extra, or differs (with its first differing line). */
    static List<String> differences(Map<String, String> rendered, Path folder) {
        List<String> differences = new ArrayList<>();
        TreeSet<String> present = new TreeSet<>();
        try (Stream<Path> files = Files.list(folder)) {
            files.forEach(f -> present.add(f.getFileName().toString()));
        } catch (IOException e) {
            differences.add(folder + " cannot be listed: " + e.getMessage());
            return differences;
        }
        for (Map.Entry<String, String> file : rendered.entrySet()) {
            if (!present.contains(file.getKey())) {
                differences.add(file.getKey() + " is missing");
                continue;
            }
            String committed;
            try {
                committed = Files.readString(folder.resolve(file.getKey()));
            } catch (IOException e) {
                differences.add(file.getKey() + " cannot be read: " + e.getMessage());
                continue;
            }
            if (!committed.equals(file.getValue())) {
                differences.add(file.getKey() + " differs from the generator's output (first at line "
                        + firstDifferingLine(committed, file.getValue()) + ")");
            }
        }
        present.stream().filter(name -> !rendered.containsKey(name)).forEach(name -> differences.add(name + " is not generated"));
        return differences;
    }

    private static int firstDifferingLine(String a, String b) {
        String[] left = a.split("\n", -1);
        String[] right = b.split("\n", -1);
        int line = 0;
        while (line < left.length && line < right.length && left[line].equals(right[line])) {
            line++;
        }
        return line + 1;
    }
}
