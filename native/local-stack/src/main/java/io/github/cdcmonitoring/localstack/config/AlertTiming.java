package io.github.cdcmonitoring.localstack.config;

import io.github.cdcmonitoring.localstack.LocalStack;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Alert timings divided for a test that cannot wait for them (see {@code LocalStack.Builder.alertTimingDivisor}): a
 * Prometheus/Alertmanager duration such as {@code 2m} or {@code 1h30m} divided by a whole number, written in whole
 * seconds (at least 1 s). A divisor of 1 leaves every timing as shipped.
 */
public final class AlertTiming {

    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d|w|y)");
    private static final Pattern WHOLE = Pattern.compile("(\\d+(ms|s|m|h|d|w|y))+");

    private AlertTiming() {
    }

    /** {@code duration} divided by {@code divisor}, e.g. ("2m", 8) -> "15s"; the text itself for a divisor of 1. */
    public static String divide(String duration, int divisor) {
        if (divisor < 1) {
            throw new IllegalArgumentException("alert timing divisor must be 1 or more, got " + divisor);
        }
        if (divisor == 1) {
            return duration;
        }
        return Math.max(1, millis(duration) / 1000 / divisor) + "s";
    }

    public static long millis(String duration) {
        String text = duration.strip();
        if (!WHOLE.matcher(text).matches()) {
            throw new IllegalArgumentException("not a duration: " + duration);
        }
        long total = 0;
        Matcher m = PART.matcher(text);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            total += switch (m.group(2)) {
                case "ms" -> n;
                case "s" -> n * 1000;
                case "m" -> n * 60_000;
                case "h" -> n * 3_600_000;
                case "d" -> n * 86_400_000;
                case "w" -> n * 7 * 86_400_000;
                default -> n * 365 * 86_400_000;
            };
        }
        return total;
    }
}
