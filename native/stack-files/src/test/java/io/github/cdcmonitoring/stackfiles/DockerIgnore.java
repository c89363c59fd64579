package io.github.cdcmonitoring.stackfiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A build context's ignore file, read as BuildKit reads it, to tell whether a path of the context is sent to the
 * builder. The pattern rules are those of moby/patternmatcher (patternmatcher.go: {@code Pattern.compile} and
 * {@code MatchesOrParentMatches}): {@code *} and {@code ?} stay within one path segment, {@code **} spans any number,
 * a pattern also matches every path below a directory it matches, the last matching line wins and {@code !}
 * re-includes.
 */
final class DockerIgnore {

    private record Rule(boolean reinclude, Pattern regex) {
    }

    private final Path file;
    private final List<Rule> rules;

    private DockerIgnore(Path file, List<Rule> rules) {
        this.file = file;
        this.rules = rules;
    }

    /**
     * The ignore file BuildKit uses for this Dockerfile and context: {@code <Dockerfile>.dockerignore} beside the
     * Dockerfile first, else {@code .dockerignore} at the context's root; empty when there is neither.
     */
    static Optional<DockerIgnore> of(Path context, Path dockerfile) throws IOException {
        for (Path candidate : List.of(dockerfile.resolveSibling(dockerfile.getFileName() + ".dockerignore"),
                context.resolve(".dockerignore"))) {
            if (Files.isRegularFile(candidate)) {
                return Optional.of(parse(candidate, Files.readAllLines(candidate)));
            }
        }
        return Optional.empty();
    }

    static DockerIgnore parse(Path file, List<String> lines) {
        List<Rule> rules = new ArrayList<>();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            boolean reinclude = line.startsWith("!");
            String pattern = Path.of(reinclude ? line.substring(1).strip() : line).normalize().toString();
            rules.add(new Rule(reinclude, Pattern.compile(toRegex(pattern.replaceFirst("^/+", "")))));
        }
        return new DockerIgnore(file, rules);
    }

    Path file() {
        return file;
    }

    /** Whether the builder receives this context-relative, slash-separated path. */
    boolean sends(String path) {
        boolean excluded = false;
        for (Rule rule : rules) {
            if (rule.reinclude() != excluded) {
                continue; // as patternmatcher: only a re-include can undo an exclusion, and the reverse
            }
            if (matchesOrParentMatches(rule.regex(), path)) {
                excluded = !rule.reinclude();
            }
        }
        return !excluded;
    }

    private static boolean matchesOrParentMatches(Pattern regex, String path) {
        if (regex.matcher(path).matches()) {
            return true;
        }
        String[] parts = path.split("/");
        StringBuilder parent = new StringBuilder();
        for (int i = 0; i < parts.length - 1; i++) {
            parent.append(i == 0 ? "" : "/").append(parts[i]);
            if (regex.matcher(parent).matches()) {
                return true;
            }
        }
        return false;
    }

    /** patternmatcher's translation: {@code **} any run of segments, {@code *} and {@code ?} within one. */
    private static String toRegex(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
                i++;
                if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '/') {
                    i++;
                }
                regex.append(i + 1 == pattern.length() ? ".*" : "(.*/)?");
            } else if (c == '*') {
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else if (c == '\\' && i + 1 < pattern.length()) {
                regex.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
            } else if (c == '[' || c == ']') {
                regex.append(c);
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return regex.toString();
    }
}
