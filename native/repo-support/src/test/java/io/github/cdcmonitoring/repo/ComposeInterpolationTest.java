package io.github.cdcmonitoring.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ComposeInterpolationTest {

    private final ComposeInterpolation env =
            new ComposeInterpolation(Map.of("PORT", "9092", "EMPTY", "", "HOST", "kafka"));

    @Test
    void substitutesBracedAndBareReferences() {
        assertThat(env.apply("${HOST}:${PORT}")).isEqualTo("kafka:9092");
        assertThat(env.apply("$HOST:$PORT/x")).isEqualTo("kafka:9092/x");
        assertThat(env.apply("no variables")).isEqualTo("no variables");
    }

    @Test
    void colonDashDefaultsWhenUnsetOrEmptyDashOnlyWhenUnset() {
        assertThat(env.apply("${MISSING:-d}")).isEqualTo("d");
        assertThat(env.apply("${EMPTY:-d}")).isEqualTo("d");
        assertThat(env.apply("${MISSING-d}")).isEqualTo("d");
        assertThat(env.apply("${EMPTY-d}")).isEmpty();
        assertThat(env.apply("${PORT:-d}")).isEqualTo("9092");
    }

    @Test
    void defaultsMayReferToOtherVariables() {
        assertThat(env.apply("${MISSING:-${HOST}:${PORT}}")).isEqualTo("kafka:9092");
    }

    @Test
    void plusGivesTheAlternativeOnlyWhenSet() {
        assertThat(env.apply("${PORT:+set}")).isEqualTo("set");
        assertThat(env.apply("${EMPTY:+set}")).isEmpty();
        assertThat(env.apply("${EMPTY+set}")).isEqualTo("set");
        assertThat(env.apply("${MISSING+set}")).isEmpty();
    }

    @Test
    void doubleDollarIsALiteralDollar() {
        assertThat(env.apply("pg_isready -U \"$${POSTGRES_USER}\"")).isEqualTo("pg_isready -U \"${POSTGRES_USER}\"");
    }

    @Test
    void requiredVariableFailsWithItsMessage() {
        assertThatThrownBy(() -> env.apply("${MISSING:?set MISSING in .env}"))
                .hasMessageContaining("MISSING").hasMessageContaining("set MISSING in .env");
        assertThat(env.apply("${PORT:?x}")).isEqualTo("9092");
    }

    @Test
    void unsetVariableWithoutDefaultIsAnErrorNamingIt() {
        assertThatThrownBy(() -> env.apply("${MISSING}")).hasMessage("variable MISSING is not set in .env");
        assertThatThrownBy(() -> env.apply("$MISSING")).hasMessage("variable MISSING is not set in .env");
    }

    @Test
    void malformedReferencesAreRejected() {
        assertThatThrownBy(() -> env.apply("${HOST")).hasMessageContaining("unclosed");
        assertThatThrownBy(() -> env.apply("${}")).hasMessageContaining("invalid interpolation");
        assertThatThrownBy(() -> env.apply("${HOST/x}")).hasMessageContaining("invalid interpolation");
        assertThatThrownBy(() -> env.apply("cost: $5")).hasMessageContaining("$$");
    }
}
