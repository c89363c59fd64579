package io.github.cdcmonitoring.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** Plain HTTP GETs of the stack's endpoints (metrics pages, readiness URLs), each bounded in time. */
public final class HttpScraper {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private HttpScraper() {
    }

    /** The body of a 200 answer; throws naming the URL on any other status or a connection failure. */
    public static String get(String url) {
        HttpResponse<String> response = send(url, REQUEST_TIMEOUT)
                .orElseThrow(() -> new UncheckedIOException(new IOException("cannot reach " + url)));
        if (response.statusCode() != 200) {
            throw new IllegalStateException(url + " answered HTTP " + response.statusCode() + ": "
                    + abbreviate(response.body()));
        }
        return response.body();
    }

    /** The body of a 200 answer, or empty while the endpoint does not answer (yet) or answers otherwise. */
    public static Optional<String> poll(String url) {
        return send(url, Duration.ofSeconds(5)).filter(r -> r.statusCode() == 200).map(HttpResponse::body);
    }

    private static Optional<HttpResponse<String>> send(String url, Duration timeout) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build();
            return Optional.of(HTTP.send(request, HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + url, e);
        }
    }

    private static String abbreviate(String body) {
        String line = body.strip().replace('\n', ' ');
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
