package io.github.cdcmonitoring.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three promtool checks on the files this folder ships, each failing with promtool's own output, and proof that
 * the rule unit tests can fail.
 */
class PromtoolTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** connectors.rules.yml: the connector map the slot and stall rules join with. */
    private static final String CONNECTOR_MAP_FILE = "connectors.rules.yml";

    @Test
    void configIsValidAndLoadsEveryRuleFileButNoTestFile() {
        InstalledProgram.Result result = Promtool.run(Shipped.dir(), List.of("check", "config", "prometheus.yml"));

        assertThat(result.exitCode()).as("promtool check config prometheus.yml:%n%s", result.output()).isZero();
        // check config resolves rule_files (rules/*.rules.yml) relative to prometheus.yml and checks each file
        int ruleFiles = RuleFiles.ruleFiles(Shipped.rulesDir()).size();
        assertThat(result.output()).as(result.output()).contains("SUCCESS: " + ruleFiles + " rule files found");
        assertThat(result.output()).doesNotContain(RuleFiles.TEST_FILE_SUFFIX);
    }

    @Test
    void ruleFilesAreValid() {
        List<String> args = new ArrayList<>(List.of("check", "rules"));
        RuleFiles.ruleFiles(Shipped.rulesDir()).forEach(f -> args.add(f.getFileName().toString()));

        InstalledProgram.Result result = Promtool.run(Shipped.rulesDir(), args);

        assertThat(result.exitCode()).as("promtool %s:%n%s", String.join(" ", args), result.output()).isZero();
    }

    @Test
    void ruleUnitTestsPass() {
        List<String> args = new ArrayList<>(List.of("test", "rules"));
        RuleFiles.testFiles(Shipped.rulesDir()).forEach(f -> args.add(f.getFileName().toString()));

        InstalledProgram.Result result = Promtool.run(Shipped.rulesDir(), args);

        assertThat(result.exitCode()).as("promtool %s:%n%s", String.join(" ", args), result.output()).isZero();
    }

    @Test
    void eachRuleFileHasOneTestFileThatLoadsOnlyIt() throws IOException {
        List<Path> ruleFiles = RuleFiles.ruleFiles(Shipped.rulesDir());
        List<Path> testFiles = RuleFiles.testFiles(Shipped.rulesDir());

        assertThat(ruleFiles).isNotEmpty();
        assertThat(testFiles.stream().map(PromtoolTest::testedRuleFileName).toList())
                .containsExactlyElementsOf(ruleFiles.stream().map(f -> f.getFileName().toString()).toList());
        for (Path test : testFiles) {
            JsonNode loaded = YAML.readTree(test.toFile()).get("rule_files");
            assertThat(loaded).as("rule_files of %s", test).isNotNull();
            List<String> names = new ArrayList<>();
            loaded.forEach(name -> names.add(name.asText()));
            // Its own rule file, and the connector map its rules join with where they do.
            assertThat(names).as("rule_files of %s", test).first().isEqualTo(testedRuleFileName(test));
            assertThat(names.subList(1, names.size())).as("rule_files of %s besides its own", test)
                    .isSubsetOf(CONNECTOR_MAP_FILE).doesNotHaveDuplicates();
        }
    }

    /**
     * A deliberate break proves the unit tests can fail: one copied rule file with its threshold raised no longer
     * fires where its test expects it. The unchanged copy passes first, so the break is the only difference.
     */
    @Test
    void aBrokenThresholdMakesTheRuleUnitTestsFail(@TempDir Path dir) throws IOException {
        Path rules = dir.resolve("postgres.rules.yml");
        Path tests = dir.resolve("postgres.rules.test.yml");
        Files.copy(Shipped.rulesDir().resolve("postgres.rules.yml"), rules);
        Files.copy(Shipped.rulesDir().resolve("postgres.rules.test.yml"), tests);
        Files.copy(Shipped.rulesDir().resolve(CONNECTOR_MAP_FILE), dir.resolve(CONNECTOR_MAP_FILE));
        InstalledProgram.Result intact = Promtool.run(dir, List.of("test", "rules", tests.getFileName().toString()));
        assertThat(intact.exitCode()).as("the unchanged copy:%n%s", intact.output()).isZero();

        String threshold = "expr: pg_replication_slots_pg_wal_lsn_diff > 1073741824 and on (slot_name)";
        String text = Files.readString(rules);
        assertThat(text).as("the WAL-retained threshold line in postgres.rules.yml").contains(threshold);
        Files.writeString(rules, text.replace(threshold, threshold.replace("1073741824", "4294967296")));

        InstalledProgram.Result broken = Promtool.run(dir, List.of("test", "rules", tests.getFileName().toString()));

        assertThat(broken.exitCode()).as("promtool test rules with a 4 GiB threshold:%n%s", broken.output()).isNotZero();
        assertThat(broken.output()).contains("FAILED").contains("PostgresReplicationSlotWalRetained");
    }

    @Test
    void missingPromtoolFailsWithTheInstallCommand(@TempDir Path emptyDir) {
        assertThatThrownBy(() -> Promtool.locate(emptyDir.toString()))
                .isInstanceOf(AssertionError.class)
                .hasMessage("promtool not found on PATH: sudo bash .ci/install-packages (promtool 3.5)");
    }

    private static String testedRuleFileName(Path testFile) {
        String name = testFile.getFileName().toString();
        return name.substring(0, name.length() - RuleFiles.TEST_FILE_SUFFIX.length()) + RuleFiles.RULE_FILE_SUFFIX;
    }
}
