package io.github.cdcmonitoring.generator;

/**
 * The generator had to give up: the database stayed unreachable for longer than GENERATOR_DB_WAIT_SECONDS, a
 * statement failed in a way no retry can fix (a missing table, a denied privilege), or the outcome of a commit could
 * not be learned in time (then {@link CommittedCounts} may be off by that one transaction, and the message says so).
 */
public final class GeneratorException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    GeneratorException(String message, Throwable cause) {
        super(message, cause);
    }
}
