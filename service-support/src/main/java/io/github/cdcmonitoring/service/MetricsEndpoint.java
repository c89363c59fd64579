package io.github.cdcmonitoring.service;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A service's {@code /metrics}: its own registry served over HTTP on all interfaces (other containers scrape it). */
public final class MetricsEndpoint implements AutoCloseable {

    private final PrometheusRegistry registry;
    private HTTPServer server;

    public MetricsEndpoint(PrometheusRegistry registry) {
        this.registry = registry;
    }

    /** Starts serving; port 0 picks a free one. */
    public void serve(int port) {
        try {
            server = HTTPServer.builder().port(port).registry(registry).buildAndStart();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve /metrics on port " + port + ": " + e.getMessage(), e);
        }
    }

    /** The port /metrics is served on, or 0 while not serving. */
    public int port() {
        return server == null ? 0 : server.getPort();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
