package io.github.cdcmonitoring.service;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads and range-checks single environment variables. A blank value counts as unset, because compose files commonly
 * pass {@code VAR=${VAR:-}} through when the user did not set it.
 */
public final class ConfigValues {

    /** How a number outside its range is echoed at the end of the error line. */
    public enum OutOfRange {
        /** {@code got 70000}: the number as parsed. */
        PARSED,
        /** {@code got ' 70000'}: the value as given, quoted like any other bad value. */
        AS_GIVEN
    }

    private static final int MAX_ECHO = 60;
    private static final Pattern DECIMAL = Pattern.compile("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?");

    private final Map<String, String> env;
    private final OutOfRange outOfRange;

    /** Numbers out of range are echoed {@linkplain OutOfRange#PARSED as parsed}. */
    public ConfigValues(Map<String, String> env) {
        this(env, OutOfRange.PARSED);
    }

    public ConfigValues(Map<String, String> env, OutOfRange outOfRange) {
        this.env = env;
        this.outOfRange = outOfRange;
    }

    public String text(String variable, String defaultValue) {
        String value = env.get(variable);
        return value == null || value.isBlank() ? defaultValue : value.strip();
    }

    /** Taken verbatim: a password may legitimately begin or end with spaces. */
    public String secret(String variable) {
        String value = env.get(variable);
        return value == null ? "" : value;
    }

    public int integer(String variable, int defaultValue, int min, int max, String meaning) {
        long value = longInteger(variable, defaultValue, min, max, meaning);
        return (int) value;
    }

    public long longInteger(String variable, long defaultValue, long min, long max, String meaning) {
        String raw = env.get(variable);
        if (raw == null || raw.isBlank()) {
            return defaultValue;
        }
        long value;
        try {
            value = Long.parseLong(raw.strip());
        } catch (NumberFormatException e) {
            throw new ConfigException(variable, "must be a whole number (" + meaning + ")", raw);
        }
        if (value < min || value > max) {
            throw outOfRange(variable, "must be between " + min + " and " + max + " (" + meaning + ")",
                    Long.toString(value), raw);
        }
        return value;
    }

    public double decimal(String variable, double defaultValue, double min, double max, String meaning) {
        String raw = env.get(variable);
        if (raw == null || raw.isBlank()) {
            return defaultValue;
        }
        // A plain decimal only: Double.parseDouble would also take "NaN", "Infinity" and "1d", which nobody means.
        String text = raw.strip();
        if (!DECIMAL.matcher(text).matches()) {
            throw new ConfigException(variable, "must be a number (" + meaning + ")", raw);
        }
        double value = Double.parseDouble(text);
        if (value < min || value > max) {
            throw outOfRange(variable, "must be between " + format(min) + " and " + format(max) + " (" + meaning
                    + ")", text, raw);
        }
        return value;
    }

    private ConfigException outOfRange(String variable, String why, String parsed, String raw) {
        return outOfRange == OutOfRange.PARSED
                ? new ConfigException(variable, why + ", got " + parsed)
                : new ConfigException(variable, why, raw);
    }

    private static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    /**
     * A value made safe to echo in the one-line error message: control characters (a stray newline in a compose file)
     * would otherwise split the line, and a huge value would drown it.
     */
    public static String printable(String value) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length() && out.length() < MAX_ECHO; i++) {
            char c = value.charAt(i);
            out.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return value.length() > MAX_ECHO ? out + "..." : out.toString();
    }
}
