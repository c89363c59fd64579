package io.github.cdcmonitoring.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/** The WARN and ERROR lines a process wrote to its log since a mark: what an operator reading the log sees. */
final class LogExcerpt {

    private static final Pattern WARN_OR_ERROR = Pattern.compile("\\b(WARN|WARNING|ERROR|FATAL|PANIC)\\b");

    private final Path log;
    private final long mark;

    private LogExcerpt(Path log, long mark) {
        this.log = log;
        this.mark = mark;
    }

    /** Marks the log's current end. */
    static LogExcerpt from(Path log) {
        try {
            return new LogExcerpt(log, Files.exists(log) ? Files.size(log) : 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Up to {@code limit} WARN/ERROR lines written since the mark, each cut to 220 characters. */
    List<String> warnings(int limit) {
        try {
            byte[] bytes = Files.readAllBytes(log);
            String text = new String(bytes, (int) Math.min(mark, bytes.length), (int) Math.max(0, bytes.length - mark),
                    StandardCharsets.UTF_8);
            return Arrays.stream(text.split("\n")).filter(l -> WARN_OR_ERROR.matcher(l).find())
                    .map(l -> l.length() > 220 ? l.substring(0, 220) + "..." : l).limit(limit).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
