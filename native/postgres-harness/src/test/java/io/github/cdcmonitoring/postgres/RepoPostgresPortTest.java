package io.github.cdcmonitoring.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.cdcmonitoring.repo.FreePorts;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A free port can be taken by someone else between choosing it and the server binding it. When the harness chose the
 * port it starts again on a fresh one; when the caller fixed the port, it fails at once, naming the port.
 */
class RepoPostgresPortTest {

    @Test
    void aChosenPortTakenBeforeTheServerBindsItIsReplacedByAFreshOne() throws Exception {
        try (ServerSocket thief = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int taken = thief.getLocalPort();
            AtomicInteger handedOut = new AtomicInteger();
            // The first "free" port is the thief's, as if it had bound it a moment after it was chosen.
            List<String> retries = new CopyOnWriteArrayList<>();
            try (RepoPostgres pg = RepoPostgres.start(0, false,
                    () -> handedOut.getAndIncrement() == 0 ? taken : FreePorts.choose(), retries::add)) {
                assertThat(handedOut).hasValue(2);
                assertThat(retries).as("one line for the one retry").containsExactly("PostgreSQL could not bind "
                        + "127.0.0.1:" + taken + ": Address already in use (another process took the port after it "
                        + "was chosen); starting again on 127.0.0.1:" + pg.port() + " (attempt 2 of 5)");
                assertThat(pg.port()).isNotEqualTo(taken);
                try (var c = pg.connect(); var s = c.createStatement(); var rs = s.executeQuery("SHOW port")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(pg.port());
                }
            }
        }
    }

    @Test
    void aFixedPortThatIsTakenFailsNamingThePort() throws Exception {
        try (ServerSocket thief = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int taken = thief.getLocalPort();
            long start = System.nanoTime();
            assertThatThrownBy(() -> RepoPostgres.start(taken, false).close())
                    .hasMessageContaining("PostgreSQL cannot listen on 127.0.0.1:" + taken)
                    .hasMessageContaining("Address already in use");
            assertThat((System.nanoTime() - start) / 1_000_000_000).isLessThan(30);
        }
    }
}
