package io.github.cdcmonitoring.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The ERROR and WARN lines a process wrote to its log since a mark: what an operator reading the log sees. Lines that
 * differ only in their timestamp, client id or correlation id count once.
 */
final class LogExcerpt {

    private static final Pattern TIMESTAMP = Pattern.compile("^\\[?[0-9-]+ [0-9:.,]+\\]?( GMT)?( \\[\\d+\\])? *");
    private static final Pattern VARYING = Pattern.compile("clientId=[^,\\]]+|correlation id \\d+|\\d{2,}");
    private static final int LINE_LIMIT = 200;

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

    /** Up to {@code limit} distinct lines at {@code level} (ERROR, WARN, FATAL, ...) since the mark, timestamps cut. */
    List<String> lines(String level, int limit) {
        Pattern levelWord = Pattern.compile("\\b" + level + "\\b");
        Map<String, String> distinct = new LinkedHashMap<>();
        for (String line : sinceMark()) {
            String text = TIMESTAMP.matcher(line).replaceFirst("");
            if (levelWord.matcher(text).find() && distinct.size() < limit) {
                distinct.putIfAbsent(VARYING.matcher(text).replaceAll("#"),
                        text.length() > LINE_LIMIT ? text.substring(0, LINE_LIMIT) + "..." : text);
            }
        }
        return List.copyOf(distinct.values());
    }

    private List<String> sinceMark() {
        try {
            byte[] bytes = Files.readAllBytes(log);
            int from = (int) Math.min(mark, bytes.length);
            return Arrays.asList(new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8).split("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
