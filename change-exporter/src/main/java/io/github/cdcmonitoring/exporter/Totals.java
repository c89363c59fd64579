package io.github.cdcmonitoring.exporter;

import java.util.Locale;

/** Running totals for the progress lines and the summary; written by the consumer thread only. */
final class Totals {

    private volatile long created;
    private volatile long updated;
    private volatile long deleted;
    private volatile long read;
    private volatile long tombstones;
    private volatile long heartbeats;
    private volatile long unparsable;

    void count(ParsedRecord record) {
        if (record instanceof ParsedRecord.Change change) {
            switch (change.op()) {
                case "c" -> created++;
                case "u" -> updated++;
                case "d" -> deleted++;
                default -> read++;
            }
        } else if (record instanceof ParsedRecord.Tombstone) {
            tombstones++;
        } else if (record instanceof ParsedRecord.Heartbeat) {
            heartbeats++;
        } else {
            unparsable++;
        }
    }

    long changeEvents() {
        return created + updated + deleted + read;
    }

    String describe() {
        return String.format(Locale.ROOT, "%d change events (c %d, u %d, d %d, r %d), %d tombstones, %d heartbeats, "
                        + "%d unparsable", changeEvents(), created, updated, deleted, read, tombstones, heartbeats,
                unparsable);
    }
}
