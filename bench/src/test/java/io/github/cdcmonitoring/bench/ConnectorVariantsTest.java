package io.github.cdcmonitoring.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.cdcmonitoring.localstack.ConnectorConfig;
import io.github.cdcmonitoring.repo.RepoFiles;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The defaults configuration is the repository's register-postgresql.json with keys dropped, nothing added. */
class ConnectorVariantsTest {

    private final ConnectorConfig shipped = ConnectorConfig.read(RepoFiles.locate().root()
            .resolve("register-postgresql.json"));

    @Test
    void keepsOnlyWhereAndWhatToCapture() {
        ConnectorConfig defaults = ConnectorVariants.defaults(shipped);
        List<String> kept = new ArrayList<>();
        defaults.config().fieldNames().forEachRemaining(kept::add);
        assertThat(kept).allMatch(key -> key.startsWith("database.") || ConnectorVariants.KEPT.contains(key));
        for (String key : kept) {
            assertThat(defaults.get(key)).as(key).isEqualTo(shipped.get(key));
        }
        assertThat(kept).contains("slot.name", "publication.name", "table.include.list", "plugin.name",
                "topic.prefix", "database.hostname");
        assertThat(defaults.get("poll.interval.ms")).isNull();
        assertThat(defaults.get("value.converter")).isNull();
        assertThat(defaults.name()).isEqualTo(shipped.name());
    }

    @Test
    void everyKeptSettingExistsInTheShippedFile() {
        for (String key : ConnectorVariants.KEPT) {
            assertThat(shipped.get(key)).as(key + " in register-postgresql.json").isNotNull();
        }
    }
}
