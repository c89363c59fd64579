package io.github.cdcmonitoring.exporter;

/**
 * A setting the exporter cannot run with. The message is {@code <VARIABLE>: <why>, got <value>}, one line, so that
 * {@link Main} prints it as is and the user sees at once which variable to fix.
 */
final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String variable;

    ConfigException(String variable, String why, String value) {
        super(variable + ": " + why + ", got " + printable(value));
        this.variable = variable;
    }

    /** The environment variable at fault. */
    String variable() {
        return variable;
    }

    private static final int MAX_ECHO = 60;

    /**
     * The value made safe to echo on one line: a control character (a stray newline from a compose file) would split
     * the line, and a huge value would drown it.
     */
    static String printable(String value) {
        StringBuilder out = new StringBuilder("'");
        for (int i = 0; i < value.length() && i < MAX_ECHO; i++) {
            char c = value.charAt(i);
            out.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return out.append(value.length() > MAX_ECHO ? "...'" : "'").toString();
    }
}
