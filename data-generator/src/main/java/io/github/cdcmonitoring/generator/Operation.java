package io.github.cdcmonitoring.generator;

/** The kinds of operation the generator mixes; each is one unit of GENERATOR_RATE and GENERATOR_MAX_OPS. */
public enum Operation {
    /** Insert one user. */
    NEW_USER("users"),
    /** Insert one order for an existing user. */
    NEW_ORDER("orders"),
    /** Change one user's email or one order's quantity. */
    UPDATE("updates"),
    /** Delete one order, or one user together with its orders. */
    DELETE("deletes"),
    /**
     * Insert a new user and its first order. Not in the default mix: it is the write the benchmark compares with
     * pgbench (one users row and one orders row per transaction).
     */
    SIGNUP("signups");

    private final String mixKey;

    Operation(String mixKey) {
        this.mixKey = mixKey;
    }

    /** The key naming this operation in GENERATOR_MIX. */
    public String mixKey() {
        return mixKey;
    }
}
