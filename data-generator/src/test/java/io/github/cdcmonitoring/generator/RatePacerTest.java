package io.github.cdcmonitoring.generator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The pacer hands out evenly spaced slots and never lets a stall turn into a burst of more than 100 ms of operations. */
class RatePacerTest {

    private static final long INTERVAL = 10_000_000L; // 100 per second

    @Test
    void slotsAreOneIntervalApartAcrossThreads() throws InterruptedException {
        AtomicLong clock = new AtomicLong(0);
        RatePacer pacer = new RatePacer(100, clock::get);
        List<Long> slots = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 250; i++) {
                    slots.add(pacer.reserveSlot());
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join(10_000);
        }

        List<Long> sorted = new ArrayList<>(slots);
        Collections.sort(sorted);
        assertThat(sorted).hasSize(1000);
        for (int i = 1; i < sorted.size(); i++) {
            assertThat(sorted.get(i) - sorted.get(i - 1)).isEqualTo(INTERVAL);
        }
    }

    @Test
    void afterAStallAtMostOneHundredMillisecondsOfMissedOperationsAreMadeUp() {
        // The documented rule (data-generator/README.md): after a stall only the last 100 ms of missed operations are
        // made up at once, then the configured rate resumes. At 100 operations/s after a 5 s outage that is the slots
        // from 4.90 s to 5.00 s: 11 operations due at once, not the 500 the outage missed.
        AtomicLong clock = new AtomicLong(0);
        RatePacer pacer = new RatePacer(100, clock::get);
        assertThat(pacer.reserveSlot()).isEqualTo(0);
        assertThat(pacer.reserveSlot()).isEqualTo(INTERVAL);

        long now = 5_000_000_000L;
        clock.set(now);
        int dueAtOnce = 0;
        long slot = pacer.reserveSlot();
        long previous = slot;
        while (slot <= now && dueAtOnce < 1_000) {
            dueAtOnce++;
            previous = slot;
            slot = pacer.reserveSlot();
        }
        assertThat(dueAtOnce).as("operations due at once after a 5 s stall at 100/s").isEqualTo(11);
        assertThat(slot - previous).as("then one interval apart again").isEqualTo(INTERVAL);
    }

    @Test
    void aShortHiccupIsMadeUp() {
        AtomicLong clock = new AtomicLong(0);
        RatePacer pacer = new RatePacer(100, clock::get);
        assertThat(pacer.reserveSlot()).isEqualTo(0);

        clock.set(5 * INTERVAL); // every worker held up by a slow commit for 5 intervals
        assertThat(pacer.reserveSlot()).as("the missed slot right after the last one").isEqualTo(INTERVAL);
        assertThat(pacer.reserveSlot()).isEqualTo(2 * INTERVAL);
    }

    @Test
    void waitsForItsSlot() {
        RatePacer pacer = new RatePacer(20, System::nanoTime);
        StopSignal stop = new StopSignal();
        long start = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            assertThat(pacer.awaitSlot(stop)).isTrue();
        }
        // Slots at 0, 50, 100, 150 and 200 ms.
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(190_000_000L);
    }

    @Test
    void stopEndsTheWait() {
        RatePacer pacer = new RatePacer(0.01, System::nanoTime); // one slot per 100 s
        StopSignal stop = new StopSignal();
        assertThat(pacer.awaitSlot(stop)).isTrue();
        stop.request();
        long start = System.nanoTime();
        assertThat(pacer.awaitSlot(stop)).isFalse();
        assertThat(System.nanoTime() - start).isLessThan(1_000_000_000L);
    }
}
