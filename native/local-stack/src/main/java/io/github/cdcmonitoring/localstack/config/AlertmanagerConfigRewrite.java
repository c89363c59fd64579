package io.github.cdcmonitoring.localstack.config;

import io.github.cdcmonitoring.localstack.LocalStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The repository's {@code debezium-prometheus/alertmanager.yml} as the native stack runs it. As shipped it is used
 * as it is. Two builder options derive a copy instead, changing only what they name and reading everything else from
 * the shipped file: {@code LocalStack.Builder.alertWebhook} adds a {@code webhook_configs} entry (send_resolved) to
 * every receiver, so that a test's own HTTP server receives exactly what a configured receiver would;
 * {@code LocalStack.Builder.alertTimingDivisor} divides the route tree's {@code group_interval} and
 * {@code repeat_interval} ({@code group_wait} stays as shipped: it is what keeps a consequence that outlives its
 * inhibiting cause by a few seconds from being sent, and that time is real, not divided).
 */
public final class AlertmanagerConfigRewrite {

    private static final List<String> ROUTE_TIMINGS = List.of("group_interval", "repeat_interval");

    private AlertmanagerConfigRewrite() {
    }

    /** The file to run: {@code shipped} itself, or a derived copy written to {@code target}. */
    public static Path configFor(Path shipped, Optional<String> webhook, int timingDivisor, Path target) {
        if (webhook.isEmpty() && timingDivisor == 1) {
            return shipped;
        }
        Map<String, Object> config = YamlConfig.read(shipped);
        webhook.ifPresent(url -> {
            for (Object receiver : YamlConfig.list(config.get("receivers"), shipped, "receivers")) {
                Map<String, Object> r = YamlConfig.map(receiver, shipped, "receivers[]");
                List<Object> hooks = new ArrayList<>(r.containsKey("webhook_configs")
                        ? YamlConfig.list(r.get("webhook_configs"), shipped, "webhook_configs") : List.of());
                Map<String, Object> hook = new LinkedHashMap<>();
                hook.put("url", url);
                hook.put("send_resolved", true);
                hooks.add(hook);
                r.put("webhook_configs", hooks);
            }
        });
        if (timingDivisor != 1) {
            divide(YamlConfig.map(config.get("route"), shipped, "route"), timingDivisor, shipped);
        }
        String yaml = YamlConfig.dump(shipped + (webhook.isPresent() ? " with a webhook on every receiver" : "")
                + (timingDivisor != 1 ? " with route timings divided by " + timingDivisor : "")
                + ", written by local-stack", config);
        try {
            Files.writeString(target, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
        return target;
    }

    private static void divide(Map<String, Object> route, int divisor, Path shipped) {
        for (String key : ROUTE_TIMINGS) {
            if (route.get(key) != null) {
                route.put(key, AlertTiming.divide(String.valueOf(route.get(key)), divisor));
            }
        }
        if (route.get("routes") != null) {
            for (Object child : YamlConfig.list(route.get("routes"), shipped, "routes")) {
                divide(YamlConfig.map(child, shipped, "routes[]"), divisor, shipped);
            }
        }
    }
}
