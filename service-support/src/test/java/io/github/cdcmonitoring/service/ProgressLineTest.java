package io.github.cdcmonitoring.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressLineTest {

    @Test
    void oneLinePerIntervalWithTheRateSinceTheLastLine() {
        List<String> lines = new ArrayList<>();
        ProgressLine progress = new ProgressLine(lines::add, "events", 5_000, 1_000);
        progress.logIfDue(5_999, 400, () -> "; not yet");
        progress.logIfDue(6_000, 500, () -> "; 500 in all");
        progress.logIfDue(8_000, 900, () -> "; too soon");
        progress.logIfDue(16_000, 1_500, () -> "; 1500 in all");
        assertThat(lines).containsExactly("progress: 100.0 events/s; 500 in all", "progress: 100.0 events/s; 1500 in all");
    }
}
