package io.github.cdcmonitoring.localstack;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The metric names a PromQL expression selects, found by a small tokenizer rather than a regex over the text, so that
 * none of these is taken for a metric: function and aggregation names, keywords ({@code by}, {@code without},
 * {@code on}, {@code ignoring}, {@code group_left}, {@code group_right}, {@code bool}, {@code offset}, the set
 * operators), the label lists that follow grouping keywords, label names and values inside {@code {...}}, ranges and
 * durations inside {@code [...]}, numbers and durations ({@code 5m}, {@code 1e3}, {@code 0x1f}), strings in any quote
 * and Grafana variables. Recording rule names (they hold a colon) are returned too; the caller tells them apart.
 */
final class PromqlMetricNames {

    private static final Set<String> AGGREGATIONS = Set.of("sum", "min", "max", "avg", "group", "stddev", "stdvar",
            "count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio");
    private static final Set<String> GROUPING = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right");
    private static final Set<String> KEYWORDS = Set.of("bool", "offset", "and", "or", "unless", "atan2", "inf",
            "nan");

    private PromqlMetricNames() {
    }

    static Set<String> of(String expr) {
        Set<String> names = new LinkedHashSet<>();
        int i = 0;
        int n = expr.length();
        while (i < n) {
            char c = expr.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = skipString(expr, i);
            } else if (c == '{') {
                i = skipPast(expr, i, '{', '}');
            } else if (c == '[') {
                i = skipPast(expr, i, '[', ']');
            } else if (c == '#') {
                i = skipLine(expr, i);
            } else if (c == '$') {
                i = skipIdentifier(expr, i + 1 < n && expr.charAt(i + 1) == '{' ? skipPast(expr, i + 1, '{', '}')
                        : i + 1);
            } else if (Character.isDigit(c) || c == '.' && i + 1 < n && Character.isDigit(expr.charAt(i + 1))) {
                i = skipNumberOrDuration(expr, i);
            } else if (isIdentifierStart(c)) {
                int end = skipIdentifier(expr, i);
                String word = expr.substring(i, end);
                int next = skipSpace(expr, end);
                String lower = word.toLowerCase(java.util.Locale.ROOT);
                if (GROUPING.contains(lower)) {
                    // by (a, b) / on () / group_left (c): a label list, not an expression
                    i = next < n && expr.charAt(next) == '(' ? skipPast(expr, next, '(', ')') : next;
                    continue;
                }
                boolean call = next < n && expr.charAt(next) == '(';
                if (!call && !AGGREGATIONS.contains(lower) && !KEYWORDS.contains(lower)) {
                    names.add(word);
                }
                i = end;
            } else {
                i++;
            }
        }
        return names;
    }

    private static boolean isIdentifierStart(char c) {
        return Character.isLetter(c) || c == '_' || c == ':';
    }

    private static int skipIdentifier(String expr, int i) {
        while (i < expr.length() && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '_'
                || expr.charAt(i) == ':')) {
            i++;
        }
        return i;
    }

    /** Numbers (1, 0.5, 1e3, 0x1f) and durations (5m, 1h30m): a digit run with letters attached. */
    private static int skipNumberOrDuration(String expr, int i) {
        while (i < expr.length() && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '.')) {
            i++;
        }
        return i;
    }

    private static int skipSpace(String expr, int i) {
        while (i < expr.length() && Character.isWhitespace(expr.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int skipLine(String expr, int i) {
        int end = expr.indexOf('\n', i);
        return end < 0 ? expr.length() : end + 1;
    }

    private static int skipString(String expr, int i) {
        char quote = expr.charAt(i);
        i++;
        while (i < expr.length() && expr.charAt(i) != quote) {
            if (expr.charAt(i) == '\\' && quote != '`') {
                i++;
            }
            i++;
        }
        return i + 1;
    }

    /** Past the bracket matching the one at {@code i}, skipping strings inside (a "}" in a label value). */
    private static int skipPast(String expr, int i, char open, char close) {
        int depth = 0;
        while (i < expr.length()) {
            char c = expr.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = skipString(expr, i);
                continue;
            }
            if (c == open) {
                depth++;
            } else if (c == close && --depth == 0) {
                return i + 1;
            }
            i++;
        }
        return i;
    }
}
