package io.github.cdcmonitoring.repo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Free ports come from below the kernel's ephemeral range, where no outgoing connection can be given them. */
class FreePortsTest {

    @Test
    void portsAreDistinctAndBelowTheEphemeralRange() throws Exception {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        int ephemeralStart = Files.isReadable(range)
                ? Integer.parseInt(Files.readAllLines(range).get(0).strip().split("\\s+")[0]) : 32_768;
        assertThat(FreePorts.ephemeralStart()).isEqualTo(ephemeralStart);
        for (int round = 0; round < 20; round++) {
            int[] ports = FreePorts.choose(5);
            assertThat(Arrays.stream(ports).distinct().count()).isEqualTo(5);
            for (int port : ports) {
                assertThat(port).isBetween(20_000, ephemeralStart - 1);
            }
        }
    }
}
