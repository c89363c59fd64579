package io.github.cdcmonitoring.grafana;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dashboard {@code schemaVersion} each Grafana release line writes, so the shipped JSON can be held to the
 * version .env pins (GRAFANA_VERSION).
 *
 * <p>Source: grafana/grafana {@code public/app/features/dashboard/state/DashboardMigrator.ts},
 * {@code DASHBOARD_SCHEMA_VERSION = 42} with the note "Schema version 42 is the FINAL version for the v1 dashboard
 * API. DO NOT increment this number" (12.x and 13.x; the backend's {@code apps/dashboard/pkg/migration/schemaversion/
 * migrations.go} has {@code LATEST_VERSION = 42}). Older lines are not listed: pin one of these or extend the table
 * from that file at the pinned tag.
 */
final class GrafanaSchemaVersions {

    private static final Map<String, Integer> BY_MAJOR = Map.of("12", 42, "13", 42);
    private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)\\.(\\d+)(?:[-+].*)?$");

    private GrafanaSchemaVersions() {
    }

    /** The schemaVersion Grafana {@code version} (an image tag such as 13.2.0) writes. */
    static int forGrafana(String version) {
        Matcher m = VERSION.matcher(version);
        if (!m.matches()) {
            throw new IllegalArgumentException("GRAFANA_VERSION=" + version + " is not a release tag like 13.2.0");
        }
        Integer schema = BY_MAJOR.get(m.group(1));
        if (schema == null) {
            throw new IllegalArgumentException("GRAFANA_VERSION=" + version + ": its dashboard schemaVersion is not "
                    + "in GrafanaSchemaVersions (look up DASHBOARD_SCHEMA_VERSION in DashboardMigrator.ts at that tag)");
        }
        return schema;
    }
}
