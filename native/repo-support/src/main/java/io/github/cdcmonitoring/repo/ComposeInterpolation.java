package io.github.cdcmonitoring.repo;

import java.util.Map;

/**
 * Variable interpolation as the Compose specification defines it: {@code $VAR}, {@code ${VAR}}, {@code ${VAR:-default}}
 * (unset or empty), {@code ${VAR-default}} (unset), {@code ${VAR:?message}} / {@code ${VAR?message}} (required),
 * {@code ${VAR:+replacement}} / {@code ${VAR+replacement}}, nested references inside defaults, and {@code $$} for a
 * literal dollar sign.
 *
 * <p>One deliberate difference: docker compose substitutes an empty string (with a warning) for an unset variable
 * without a default; here that is an error naming the variable, because the native stack only has {@code .env} to
 * read and an empty value there is almost always a missing line.
 */
final class ComposeInterpolation {

    private final Map<String, String> variables;

    ComposeInterpolation(Map<String, String> variables) {
        this.variables = Map.copyOf(variables);
    }

    String apply(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$' || i + 1 == text.length()) {
                out.append(c);
                i++;
                continue;
            }
            char next = text.charAt(i + 1);
            if (next == '$') {
                out.append('$');
                i += 2;
            } else if (next == '{') {
                int close = matchingBrace(text, i + 1);
                out.append(expand(text.substring(i + 2, close)));
                i = close + 1;
            } else if (isNameStart(next)) {
                int end = i + 1;
                while (end < text.length() && isNamePart(text.charAt(end))) {
                    end++;
                }
                out.append(require(text.substring(i + 1, end)));
                i = end;
            } else {
                throw new IllegalArgumentException("invalid interpolation format in \"" + text
                        + "\" (write $$ for a literal dollar sign)");
            }
        }
        return out.toString();
    }

    private String expand(String expression) {
        int nameEnd = 0;
        while (nameEnd < expression.length() && isNamePart(expression.charAt(nameEnd))) {
            nameEnd++;
        }
        String name = expression.substring(0, nameEnd);
        if (name.isEmpty() || !isNameStart(name.charAt(0))) {
            throw new IllegalArgumentException("invalid interpolation format: ${" + expression + "}");
        }
        String rest = expression.substring(nameEnd);
        if (rest.isEmpty()) {
            return require(name);
        }
        String value = variables.get(name);
        boolean colon = rest.startsWith(":");
        if (colon && rest.length() < 2) {
            throw new IllegalArgumentException("invalid interpolation format: ${" + expression + "}");
        }
        String operator = colon ? rest.substring(0, 2) : rest.substring(0, 1);
        String argument = rest.substring(operator.length());
        boolean unset = value == null || colon && value.isEmpty();
        switch (operator.charAt(operator.length() - 1)) {
            case '-':
                return unset ? apply(argument) : value;
            case '?':
                if (unset) {
                    throw new IllegalArgumentException("required variable " + name + " is missing a value: "
                            + apply(argument));
                }
                return value;
            case '+':
                return unset ? "" : apply(argument);
            default:
                throw new IllegalArgumentException("invalid interpolation format: ${" + expression + "}");
        }
    }

    private String require(String name) {
        String value = variables.get(name);
        if (value == null) {
            throw new IllegalArgumentException("variable " + name + " is not set in .env");
        }
        return value;
    }

    private static int matchingBrace(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("unclosed ${ in \"" + text + "\"");
    }

    private static boolean isNameStart(char c) {
        return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    private static boolean isNamePart(char c) {
        return isNameStart(c) || c >= '0' && c <= '9';
    }
}
