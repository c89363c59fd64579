package io.github.cdcmonitoring.bench;

import java.util.List;

/**
 * Figures the results are set against: published measurements of the same pipeline and earlier runs on these machines.
 * They are quotations, never measured here; each says where it comes from.
 */
final class Anchors {

    record Anchor(String label, double value) {
    }

    static final List<Anchor> DRAIN = List.of(
            new Anchor("published: Conduit, Kafka Connect + Debezium, 4 vCPU, tuned batching", 45_000),
            new Anchor("earlier native run on these machines: register-postgresql.json", 20_764),
            new Anchor("earlier native run on these machines: defaults", 6_738));

    static final List<Anchor> P99 = List.of(
            new Anchor("published: Debezium on MSK Connect, 6,000 ops/s, 8 vCPU", 499),
            new Anchor("published: Debezium Server, 23,000 ops/s, 16 vCPU", 440),
            new Anchor("earlier native run on these machines: register-postgresql.json, 1,000 tx/s", 96));

    /** Goals of the issue, on 2 cores. */
    static final double DRAIN_GOAL = 30_000;
    static final double DRAIN_RATIO_GOAL = 3.0;
    static final double P50_GOAL_1000 = 20;
    static final double P99_GOAL_1000 = 50;
    static final double P99_GOAL_5000 = 100;
    static final double CPU_MICROS_GOAL = 60;
    static final double START_GOAL_SECONDS = 10;
    static final double CEILING_RATIO_GOAL = 0.8;
    static final long PEAK_TOTAL_GOAL_BYTES = 1536L * 1024 * 1024;

    private Anchors() {
    }
}
