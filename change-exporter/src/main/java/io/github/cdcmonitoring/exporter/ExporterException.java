package io.github.cdcmonitoring.exporter;

/** The exporter cannot go on (Kafka never answered, the metrics port is taken); the message is one line. */
final class ExporterException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    ExporterException(String message, Throwable cause) {
        super(message, cause);
    }
}
