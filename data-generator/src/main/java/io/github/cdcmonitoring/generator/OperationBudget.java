package io.github.cdcmonitoring.generator;

import java.util.concurrent.atomic.AtomicLong;

/** Hands out the GENERATOR_MAX_OPS operations to the worker threads, so that together they do exactly that many. */
final class OperationBudget {

    private final AtomicLong remaining;
    private final boolean unlimited;

    /** @param maxOperations 0 for no limit */
    OperationBudget(long maxOperations) {
        this.unlimited = maxOperations == 0;
        this.remaining = new AtomicLong(maxOperations);
    }

    /** Claims up to {@code wanted} operations; returns how many were granted, 0 once the budget is spent. */
    int claim(int wanted) {
        if (unlimited) {
            return wanted;
        }
        while (true) {
            long left = remaining.get();
            if (left <= 0) {
                return 0;
            }
            int granted = (int) Math.min(wanted, left);
            if (remaining.compareAndSet(left, left - granted)) {
                return granted;
            }
        }
    }
}
