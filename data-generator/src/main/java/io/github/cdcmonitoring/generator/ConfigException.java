package io.github.cdcmonitoring.generator;

/**
 * A setting the generator cannot run with. The message is one line that starts with the environment variable's name,
 * so that the command-line entry point can print it as is and a user sees at once which variable to fix.
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String variable;

    ConfigException(String variable, String problem) {
        super(variable + ": " + problem);
        this.variable = variable;
    }

    /** The environment variable at fault, e.g. {@code GENERATOR_RATE}. */
    public String variable() {
        return variable;
    }
}
