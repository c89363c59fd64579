package io.github.cdcmonitoring.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One scrape of a {@code /metrics} endpoint in the Prometheus text exposition format 0.0.4 (what the JMX exporter agent
 * and client_java's HTTP server send without an OpenMetrics Accept header): the samples and the declared family types.
 * The only parser of the format in this project's tests. Label values are unescaped as the format defines
 * ({@code \\}, {@code \"}, {@code \n}); a line that is not a comment and not a valid sample is an error, not skipped.
 */
public final class PrometheusText {

    /** One sample line: metric name, labels in the order written, value. */
    public record Sample(String name, Map<String, String> labels, double value) {

        public boolean has(String label, String expected) {
            return expected.equals(labels.get(label));
        }

        /** The series identity: the name and the labels sorted by name, e.g. {@code up{job=x}}. */
        public String series() {
            return name + new TreeMap<>(labels);
        }
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final List<Sample> samples = new ArrayList<>();
    private final Map<String, String> types = new LinkedHashMap<>();

    private PrometheusText(String text) {
        int lineNumber = 0;
        for (String line : text.split("\n", -1)) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("#")) {
                String[] words = line.split("\\s+", 4);
                if (words.length >= 4 && words[0].equals("#") && words[1].equals("TYPE")) {
                    types.put(words[2], words[3].trim());
                }
                continue;
            }
            try {
                samples.add(new LineParser(line).sample());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + lineNumber + " is not a Prometheus sample ("
                        + e.getMessage() + "): " + line, e);
            }
        }
    }

    public static PrometheusText parse(String text) {
        return new PrometheusText(text);
    }

    /** GET {@code url} (bounded connect and read time) and parse the answer; anything but HTTP 200 is an error. */
    public static PrometheusText scrape(String url) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(url + " answered HTTP " + response.statusCode());
            }
            return parse(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot scrape " + url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while scraping " + url, e);
        }
    }

    public List<Sample> samples() {
        return Collections.unmodifiableList(samples);
    }

    /** Family name to type (counter, gauge, histogram, ...) as declared by the {@code # TYPE} lines. */
    public Map<String, String> types() {
        return Collections.unmodifiableMap(types);
    }

    /** Every series in the scrape, as {@link Sample#series()}. */
    public Set<String> series() {
        Set<String> series = new LinkedHashSet<>();
        samples.forEach(s -> series.add(s.series()));
        return series;
    }

    public List<Sample> named(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }

    /** The first sample of that name whose labels include the given LABEL, VALUE pairs. */
    public Optional<Sample> find(String name, String... labelPairs) {
        Map<String, String> wanted = pairs(labelPairs);
        return named(name).stream()
                .filter(s -> wanted.entrySet().stream().allMatch(w -> s.has(w.getKey(), w.getValue())))
                .findFirst();
    }

    /** The value of the one sample with this name and exactly these labels (LABEL, VALUE pairs). */
    public double value(String name, String... labelPairs) {
        Map<String, String> wanted = pairs(labelPairs);
        List<Sample> matching = named(name).stream().filter(s -> s.labels().equals(wanted)).toList();
        if (matching.size() != 1) {
            throw new IllegalStateException(matching.size() + " samples " + name + wanted + " (expected exactly one)");
        }
        return matching.get(0).value();
    }

    private static Map<String, String> pairs(String... labelPairs) {
        if (labelPairs.length % 2 != 0) {
            throw new IllegalArgumentException("label pairs must come as LABEL, VALUE: " + List.of(labelPairs));
        }
        Map<String, String> wanted = new LinkedHashMap<>();
        for (int i = 0; i < labelPairs.length; i += 2) {
            wanted.put(labelPairs[i], labelPairs[i + 1]);
        }
        return wanted;
    }

    /**
     * {@code name [{label="value",...[,]}] value [timestamp]}, with spaces or tabs between the parts. Written by hand
     * rather than as one regex because a label value may contain any of {@code , } " =} once escaped.
     */
    private static final class LineParser {

        private final String line;
        private int pos;

        LineParser(String line) {
            this.line = line;
        }

        Sample sample() {
            String name = name(true);
            Map<String, String> labels = new LinkedHashMap<>();
            if (peek() == '{') {
                pos++;
                skipBlanks();
                while (peek() != '}') {
                    String label = name(false);
                    skipBlanks();
                    expect('=');
                    skipBlanks();
                    if (labels.put(label, quoted()) != null) {
                        throw new IllegalArgumentException("label " + label + " given twice");
                    }
                    skipBlanks();
                    if (peek() == ',') {
                        pos++;
                        skipBlanks();
                    } else if (peek() != '}') {
                        throw new IllegalArgumentException("expected , or } at column " + (pos + 1));
                    }
                }
                pos++;
            }
            if (!blank(peek())) {
                throw new IllegalArgumentException("expected a blank before the value at column " + (pos + 1));
            }
            String[] rest = line.substring(pos).trim().split("[ \t]+");
            if (rest.length < 1 || rest.length > 2 || rest[0].isEmpty()) {
                throw new IllegalArgumentException("expected a value and an optional timestamp");
            }
            if (rest.length == 2) {
                Long.parseLong(rest[1]);
            }
            return new Sample(name, Collections.unmodifiableMap(labels), number(rest[0]));
        }

        private static double number(String text) {
            return switch (text) {
                case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                case "NaN" -> Double.NaN;
                default -> Double.parseDouble(text);
            };
        }

        private String name(boolean metric) {
            int start = pos;
            while (pos < line.length()) {
                char c = line.charAt(pos);
                boolean letter = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || metric && c == ':';
                if (!(letter || pos > start && c >= '0' && c <= '9')) {
                    break;
                }
                pos++;
            }
            if (pos == start) {
                throw new IllegalArgumentException("expected a " + (metric ? "metric" : "label") + " name at column "
                        + (start + 1));
            }
            return line.substring(start, pos);
        }

        private String quoted() {
            expect('"');
            StringBuilder value = new StringBuilder();
            while (true) {
                if (pos >= line.length()) {
                    throw new IllegalArgumentException("unterminated label value");
                }
                char c = line.charAt(pos++);
                if (c == '"') {
                    return value.toString();
                }
                if (c == '\\') {
                    if (pos >= line.length()) {
                        throw new IllegalArgumentException("unterminated escape");
                    }
                    char escaped = line.charAt(pos++);
                    switch (escaped) {
                        case '\\' -> value.append('\\');
                        case '"' -> value.append('"');
                        case 'n' -> value.append('\n');
                        default -> throw new IllegalArgumentException("unknown escape \\" + escaped
                                + " at column " + pos);
                    }
                } else {
                    value.append(c);
                }
            }
        }

        private void expect(char c) {
            if (peek() != c) {
                throw new IllegalArgumentException("expected " + c + " at column " + (pos + 1));
            }
            pos++;
        }

        private char peek() {
            return pos < line.length() ? line.charAt(pos) : '\0';
        }

        private void skipBlanks() {
            while (blank(peek())) {
                pos++;
            }
        }

        private static boolean blank(char c) {
            return c == ' ' || c == '\t';
        }
    }
}
