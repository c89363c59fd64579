package io.github.cdcmonitoring.repo;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Every bounded wait of the native stack, the benchmark and the tests, on Awaitility: polled in the caller's thread
 * (an exception from the condition, such as a process found dead, ends the wait at once), first at once, with a limit,
 * and, when the limit passes, one message saying what was waited for and why it is not there.
 */
public final class Waits {

    private Waits() {
    }

    /**
     * Polls {@code condition} every {@code interval} until it is true; after {@code limit} throws an
     * {@link IllegalStateException} with {@code whyNot}'s message (read then, so it can hold a log's last lines).
     */
    public static void until(Duration limit, Duration interval, Callable<Boolean> condition, Supplier<String> whyNot) {
        try {
            poll(limit, interval).until(condition);
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(whyNot.get(), e);
        }
    }

    /** {@link #until} with the message "gave up after N s waiting for {@code what}". */
    public static void until(String what, Duration limit, Duration interval, Callable<Boolean> condition) {
        until(limit, interval, condition, () -> "gave up after " + limit.toSeconds() + " s waiting for " + what);
    }

    /**
     * Polls {@code probe} like {@link #until} until it finds a value, and returns it; after {@code limit} throws with
     * {@code whyNot}'s message.
     */
    public static <T> T untilPresent(Duration limit, Duration interval, Callable<Optional<T>> probe,
                                     Supplier<String> whyNot) {
        AtomicReference<T> found = new AtomicReference<>();
        until(limit, interval, () -> {
            probe.call().ifPresent(found::set);
            return found.get() != null;
        }, whyNot);
        return found.get();
    }

    /** Polls like {@link #until} but answers whether {@code condition} became true within {@code limit}. */
    public static boolean within(Duration limit, Duration interval, Callable<Boolean> condition) {
        try {
            poll(limit, interval).until(condition);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    private static org.awaitility.core.ConditionFactory poll(Duration limit, Duration interval) {
        return await().atMost(limit).pollDelay(Duration.ZERO).pollInterval(interval).pollInSameThread();
    }
}
