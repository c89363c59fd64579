package io.github.cdcmonitoring.stackfiles;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.cdcmonitoring.repo.RepoFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shell commands the repository's Markdown files give: a URL with {@code ?}, {@code *} or {@code [} outside
 * quotes is a glob to the shell, and zsh (macOS's default shell) refuses the whole command with "no matches found"
 * ({@code &} would even end the command there). Such URLs must be quoted, in fenced shell blocks and in inline
 * {@code `curl ...`} spans alike.
 */
class ReadmeShellCommandsTest {

    private static final Pattern FENCE = Pattern.compile("(?ms)^```(\\w*)\\n(.*?)^```");
    private static final Pattern INLINE = Pattern.compile("`((?:curl|wget) [^`]+)`");
    private static final Set<String> SHELLS = Set.of("bash", "sh", "shell", "zsh", "console");
    private static final Pattern URL = Pattern.compile("://|localhost:|127\\.0\\.0\\.1:");

    @Test
    void everyUrlWithAGlobCharacterIsQuoted() throws IOException {
        List<String> unquoted = new ArrayList<>();
        List<Path> documents = markdownFiles();
        assertThat(documents).extracting(p -> p.getFileName().toString()).contains("README.md", "RELIABILITY.md");
        int commands = 0;
        for (Path document : documents) {
            String text = Files.readString(document);
            for (String command : commands(text)) {
                commands++;
                for (String word : unquotedGlobUrls(command)) {
                    unquoted.add(RepoFiles.locate().root().relativize(document) + ": " + word + "   in: " + command.strip());
                }
            }
        }
        assertThat(commands).as("shell commands found in the Markdown files").isGreaterThan(20);
        assertThat(unquoted).as("URLs a shell would glob (quote them)").isEmpty();
    }

    @Test
    void theCheckFindsTheUnquotedUrlAndAcceptsTheQuotedOne() {
        assertThat(unquotedGlobUrls("curl -X POST localhost:8083/connectors/c/restart?includeTasks=true"))
                .containsExactly("localhost:8083/connectors/c/restart?includeTasks=true");
        assertThat(unquotedGlobUrls("curl -X POST 'localhost:8083/connectors/c/restart?includeTasks=true&onlyFailed=true'"))
                .isEmpty();
        assertThat(unquotedGlobUrls("curl -s \"localhost:8083/connectors/$(jq -r .name f.json)/config?x=1\"")).isEmpty();
        assertThat(unquotedGlobUrls("grep -E 'a?b' file && curl -s localhost:9400/metrics")).isEmpty();
    }

    private static List<Path> markdownFiles() throws IOException {
        Path root = RepoFiles.locate().root();
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".md"))
                    .filter(p -> {
                        String relative = root.relativize(p).toString().replace('\\', '/');
                        return !relative.matches("(.*/)?(target|\\.git|node_modules)/.*") && !relative.startsWith("bench/results/");
                    })
                    .sorted().toList();
        }
    }

    /** Every line of a fenced shell block, and every inline span that starts with curl or wget. */
    private static List<String> commands(String markdown) {
        List<String> commands = new ArrayList<>();
        Matcher fence = FENCE.matcher(markdown);
        StringBuilder outside = new StringBuilder();
        int last = 0;
        while (fence.find()) {
            outside.append(markdown, last, fence.start());
            last = fence.end();
            if (SHELLS.contains(fence.group(1))) {
                commands.addAll(fence.group(2).lines().toList());
            }
        }
        outside.append(markdown.substring(last));
        Matcher inline = INLINE.matcher(outside);
        while (inline.find()) {
            commands.add(inline.group(1));
        }
        return commands;
    }

    /** The shell words of a command that contain a URL and a glob character outside quotes. */
    static List<String> unquotedGlobUrls(String command) {
        List<String> found = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean glob = false;
        char quote = 0;
        for (int i = 0; i <= command.length(); i++) {
            char c = i < command.length() ? command.charAt(i) : ' ';
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (quote == '"' && c == '\\' && i + 1 < command.length()) {
                    word.append(command.charAt(++i));
                    continue;
                }
                word.append(c);
            } else if (c == '\'' || c == '"') {
                quote = c;
                word.append(c);
            } else if (c == '\\' && i + 1 < command.length()) {
                word.append(c).append(command.charAt(++i));
            } else if (Character.isWhitespace(c) || c == ';' || c == '|') {
                if (glob && URL.matcher(word).find()) {
                    found.add(word.toString());
                }
                word.setLength(0);
                glob = false;
            } else {
                glob |= c == '?' || c == '*' || c == '[' || c == '&';
                word.append(c);
            }
        }
        return found;
    }
}
