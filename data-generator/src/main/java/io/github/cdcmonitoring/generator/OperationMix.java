package io.github.cdcmonitoring.generator;

import io.github.cdcmonitoring.service.ConfigException;
import io.github.cdcmonitoring.service.ConfigValues;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * The share, in percent, of each {@link Operation}, parsed from GENERATOR_MIX ({@code users=20,orders=60,...}).
 * Shares must add up to exactly 100 so that a typo such as {@code orders=06} is caught instead of silently skewing the
 * stream; operations left out get 0.
 */
public final class OperationMix {

    static final String VARIABLE = "GENERATOR_MIX";
    static final String DEFAULT = "users=20,orders=60,updates=15,deletes=5";

    private final Map<Operation, Integer> percent;
    private final Operation[] byPercentile = new Operation[100];

    private OperationMix(Map<Operation, Integer> percent) {
        this.percent = percent;
        int next = 0;
        for (Map.Entry<Operation, Integer> share : percent.entrySet()) {
            Arrays.fill(byPercentile, next, next + share.getValue(), share.getKey());
            next += share.getValue();
        }
    }

    static OperationMix parse(String text) {
        Map<Operation, Integer> percent = new EnumMap<>(Operation.class);
        for (Operation operation : Operation.values()) {
            percent.put(operation, 0);
        }
        Set<String> seen = new HashSet<>();
        int total = 0;
        for (String part : text.split(",", -1)) {
            String entry = part.strip();
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(VARIABLE, "expected comma-separated key=percent pairs such as '" + DEFAULT
                        + "', got '" + ConfigValues.printable(text) + "'");
            }
            String key = entry.substring(0, eq).strip();
            Operation operation = byKey(key);
            if (!seen.add(key)) {
                throw new ConfigException(VARIABLE, "key '" + ConfigValues.printable(key) + "' given twice");
            }
            String value = entry.substring(eq + 1).strip();
            int share;
            try {
                share = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new ConfigException(VARIABLE, "share of '" + key + "' must be a whole percentage 0-100, got '"
                        + ConfigValues.printable(value) + "'");
            }
            if (share < 0 || share > 100) {
                throw new ConfigException(VARIABLE, "share of '" + key + "' must be 0-100, got " + share);
            }
            percent.put(operation, share);
            total += share;
        }
        if (total != 100) {
            throw new ConfigException(VARIABLE, "shares must add up to 100, got " + total + " in '"
                    + ConfigValues.printable(text) + "'");
        }
        return new OperationMix(percent);
    }

    private static Operation byKey(String key) {
        for (Operation operation : Operation.values()) {
            if (operation.mixKey().equals(key)) {
                return operation;
            }
        }
        throw new ConfigException(VARIABLE, "unknown key '" + ConfigValues.printable(key) + "'; known keys: "
                + Arrays.stream(Operation.values()).map(Operation::mixKey).collect(Collectors.joining(", ")));
    }

    /** The percentage of operations of this kind. */
    public int percent(Operation operation) {
        return percent.get(operation);
    }

    /** A random operation, drawn with the configured shares. */
    Operation pick(RandomGenerator random) {
        return byPercentile[random.nextInt(100)];
    }

    @Override
    public String toString() {
        StringJoiner joiner = new StringJoiner(",");
        percent.forEach((operation, share) -> {
            if (share > 0) {
                joiner.add(operation.mixKey() + "=" + share);
            }
        });
        return joiner.toString();
    }
}
