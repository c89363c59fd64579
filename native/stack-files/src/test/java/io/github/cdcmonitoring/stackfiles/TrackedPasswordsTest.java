package io.github.cdcmonitoring.stackfiles;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.cdcmonitoring.repo.RepoFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * No password in any file git tracks except .env, whose values are the documented local defaults, and the README
 * says to change them and how. Scans {@code git ls-files}, so a new file is covered the day it is added.
 */
class TrackedPasswordsTest {

    /**
     * A password-like key and what follows its separator: {@code PGPASSWORD=x}, {@code PASSWORD: x},
     * {@code "password": "x"}, {@code "PGPASSWORD", "x"} (a Java map).
     */
    private static final Pattern ASSIGNMENT = Pattern.compile(
            "(?i)(?<![A-Z0-9_.-])([A-Z0-9_.]*(?:password|passwd|_pass)[A-Z0-9_]*)[\"']?(\\s*(?:=|:|\",)\\s*)(\\S*)");

    private final RepoFiles repo = RepoFiles.locate();

    @Test
    void onlyDotEnvHoldsPasswords() throws Exception {
        List<String> found = new ArrayList<>();
        for (String file : trackedFiles()) {
            if (file.equals(".env") || file.startsWith("native/local-stack/src/test/resources/compose-spec/")) {
                continue; // .env is the one place; the vendored schema only describes the "secrets" key
            }
            found.addAll(passwordsIn(file, read(file)));
        }
        assertThat(found).as("literal passwords outside .env").isEmpty();
    }

    @Test
    void dotEnvsPasswordValuesAppearNowhereElse() throws Exception {
        Map<String, String> env = repo.dotEnv().asMap();
        List<String> values = env.entrySet().stream().filter(e -> e.getKey().endsWith("_PASSWORD"))
                .map(Map.Entry::getValue).filter(v -> v.length() > "postgres".length()).toList();
        assertThat(values).as(".env's own passwords (all but the image's stock 'postgres')").hasSizeGreaterThan(3);
        List<String> found = new ArrayList<>();
        for (String file : trackedFiles()) {
            String text = file.equals(".env") ? "" : read(file);
            values.stream().filter(text::contains).forEach(v -> found.add(file + ": " + v));
        }
        assertThat(found).isEmpty();
    }

    @Test
    void theReadmeSaysToChangeEveryPasswordAndHow() throws IOException {
        String readme = Files.readString(repo.file("README.md"));
        int paragraph = readme.indexOf("`.env` holds the only passwords");
        assertThat(paragraph).as("README paragraph on .env's passwords").isPositive();
        String text = readme.substring(paragraph, readme.indexOf("\n\n", paragraph));
        repo.dotEnv().asMap().keySet().stream().filter(key -> key.endsWith("_PASSWORD"))
                .forEach(key -> assertThat(text).as("README names " + key).contains("`" + key + "`"));
        assertThat(text).contains("change", "ALTER ROLE", "reset-admin-password", "docker compose down -v");
        assertThat(Files.readString(repo.file(".env"))).contains("documented local defaults: change them");
    }

    @Test
    void theScanFindsAPasswordInEachForm() {
        assertThat(passwordsIn("x.sh", "PGPASSWORD=hunter2 psql")).hasSize(1);
        assertThat(passwordsIn("x.yml", "      DATA_SOURCE_PASS: hunter2")).hasSize(1);
        assertThat(passwordsIn("x.json", "\"database.password\": \"hunter2\",")).hasSize(1);
        assertThat(passwordsIn("X.java", "Map.of(\"PGPASSWORD\", \"hunter2\")")).hasSize(1);
        assertThat(passwordsIn("x.yml", "      DATA_SOURCE_PASS: ${MONITOR_DB_PASSWORD}")).isEmpty();
        assertThat(passwordsIn("x.json", "\"database.password\": \"${env:CDC_DB_PASSWORD}\",")).isEmpty();
        assertThat(passwordsIn("x.sql", "CREATE ROLE r WITH LOGIN PASSWORD :'cdc_password';")).isEmpty();
        assertThat(passwordsIn("x.md", "Connect rejected database.hostname of bad-password: Error")).isEmpty();
        assertThat(passwordsIn("x.md", "\"PGPASSWORD\", System.getenv(\"GENERATOR_DB_PASSWORD\"),")).isEmpty();
    }

    /**
     * Literal password values in one file. A value is literal when it starts with a letter or digit, after one opening
     * quote: references ({@code ${VAR}}, {@code "$(...)"}, psql's {@code :'var'}, a call such as
     * {@code System.getenv(...)}) and placeholders ({@code <new>}, {@code ...}) are not. In Java only a quoted value counts (an unquoted one is a variable), and not the key's own
     * name (a constant naming the environment variable). Test sources are skipped: they hold made-up inputs such as
     * a deliberately wrong password.
     */
    private static List<String> passwordsIn(String file, String text) {
        List<String> found = new ArrayList<>();
        if (file.contains("/src/test/")) {
            return found;
        }
        boolean java = file.endsWith(".java");
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher m = ASSIGNMENT.matcher(lines[i]);
            while (m.find()) {
                String key = m.group(1);
                String raw = m.group(3);
                boolean quoted = raw.startsWith("\"") || raw.startsWith("'");
                String unquoted = quoted ? raw.substring(1) : raw;
                String value = unquoted.split("[\"',;()}\\]]", 2)[0];
                boolean call = unquoted.startsWith(value + "(");
                boolean psqlVariable = m.group(2).strip().equals(":") && raw.startsWith("'");
                boolean literal = !value.isEmpty() && Character.isLetterOrDigit(value.charAt(0)) && !psqlVariable
                        && (!java || quoted) && !value.equals(key) && !call;
                if (literal) {
                    found.add(file + ":" + (i + 1) + ": " + key + " = " + value);
                }
            }
        }
        return found;
    }

    private String read(String file) throws IOException {
        Path path = repo.root().resolve(file);
        byte[] bytes = Files.readAllBytes(path);
        for (byte b : bytes) {
            if (b == 0) {
                return ""; // binary
            }
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private List<String> trackedFiles() throws Exception {
        Process git = new ProcessBuilder("git", "ls-files", "-z").directory(repo.root().toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = git.getInputStream().readAllBytes();
        assertThat(git.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(git.exitValue()).as("git ls-files in " + repo.root()).isZero();
        List<String> files = new ArrayList<>();
        for (String name : new String(out, StandardCharsets.UTF_8).split("\0")) {
            if (!name.isEmpty() && Files.isRegularFile(repo.root().resolve(name))) {
                files.add(name);
            }
        }
        assertThat(files).contains(".env", "docker-compose.yml", "init-db.sql");
        return files;
    }
}
