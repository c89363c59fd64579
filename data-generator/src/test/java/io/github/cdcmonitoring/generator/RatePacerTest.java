package io.github.cdcmonitoring.generator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The pacer hands out evenly spaced slots and never lets a stall turn into a burst longer than 100 ms. */
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
    void afterAStallTheRateResumesWithoutCatchingUpMoreThanTheCatchUpWindow() {
        AtomicLong clock = new AtomicLong(0);
        RatePacer pacer = new RatePacer(100, clock::get);
        assertThat(pacer.reserveSlot()).isEqualTo(0);
        assertThat(pacer.reserveSlot()).isEqualTo(INTERVAL);

        clock.set(5_000_000_000L); // a 5 s outage: 500 slots missed, only the last 100 ms of them are made up
        long first = pacer.reserveSlot();
        long second = pacer.reserveSlot();
        long third = pacer.reserveSlot();

        assertThat(first).isEqualTo(5_000_000_000L - RatePacer.CATCH_UP_NANOS);
        assertThat(second - first).isEqualTo(INTERVAL);
        assertThat(third - second).isEqualTo(INTERVAL);
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
