package io.github.cdcmonitoring.service;

/**
 * A setting a service cannot run with. The message is one line that starts with the environment variable's name, so
 * that {@link ServiceMain} prints it as is and a user sees at once which variable to fix.
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String variable;

    /** Message {@code <VARIABLE>: <problem>}. */
    public ConfigException(String variable, String problem) {
        super(variable + ": " + problem);
        this.variable = variable;
    }

    /** Message {@code <VARIABLE>: <why>, got '<value>'}, the value made {@linkplain ConfigValues#printable printable}. */
    public ConfigException(String variable, String why, String value) {
        this(variable, why + ", got '" + ConfigValues.printable(value) + "'");
    }

    /** The environment variable at fault, e.g. {@code GENERATOR_RATE}. */
    public String variable() {
        return variable;
    }
}
