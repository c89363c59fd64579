package io.github.cdcmonitoring.localstack.config;

import io.github.cdcmonitoring.localstack.LocalStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The repository's {@code debezium-prometheus/prometheus.yml} made to run natively, changing only what cannot be the
 * same outside compose: each job's {@code static_configs} targets (compose service names) become
 * {@code 127.0.0.1:<port>}, and relative {@code rule_files} entries are resolved against the folder of the shipped
 * file (Prometheus resolves them against the folder of the file it reads, and the copy lives in a temporary folder).
 * The {@code alerting} section's Alertmanager (compose's {@code alertmanager:9093}) becomes the local one, at the port
 * of the {@code alertmanager} job. Each job's {@code file_sd_configs} are dropped: they name the files of the compose
 * cluster shape's other brokers and workers (compose names, mounted beside the config by docker-compose.cluster.yml
 * only), which natively would resolve next to the copy, where no such file exists; the native cluster adds its own
 * targets instead ({@code moreTargets}). Scrape and evaluation intervals, labels and everything else are kept as
 * shipped.
 * Only with {@code LocalStack.Builder.alertTimingDivisor} (tests that cannot wait for an alert's {@code for:}) are
 * the rule files copied too, each alert's {@code for:} divided and nothing else changed.
 */
public final class PrometheusConfigRewrite {

    private PrometheusConfigRewrite() {
    }

    /**
     * @param shipped the repository's prometheus.yml
     * @param ports the local port of every job's target, by job name
     * @param target where to write the copy
     * @throws IllegalStateException naming the job if the file scrapes a job with no local port, or a local
     *         component is not scraped by any job
     */
    public static void write(Path shipped, Map<String, Integer> ports, Path target) {
        write(shipped, ports, target, 1);
    }

    /** As {@link #write(Path, Map, Path)}, with every alert's {@code for:} divided by {@code forDivisor}. */
    public static void write(Path shipped, Map<String, Integer> ports, Path target, int forDivisor) {
        write(shipped, ports, Map.of(), target, forDivisor);
    }

    /**
     * As {@link #write(Path, Map, Path, int)}, a job scraping {@code moreTargets}' ports after its own (the cluster
     * shape's other brokers and Connect workers: one target each, as each runs its own agent).
     */
    public static void write(Path shipped, Map<String, Integer> ports, Map<String, List<Integer>> moreTargets,
                             Path target, int forDivisor) {
        Map<String, Object> config = YamlConfig.read(shipped);
        List<String> ruleFiles = resolveRuleFiles(shipped, config.get("rule_files"));
        config.put("rule_files", forDivisor == 1 ? ruleFiles
                : divideFor(ruleFiles, forDivisor, target.toAbsolutePath().getParent().resolve("rules")));
        rewriteAlerting(shipped, config, ports);
        List<String> jobs = new ArrayList<>();
        for (Object scrape : YamlConfig.list(config.get("scrape_configs"), shipped, "scrape_configs")) {
            Map<String, Object> job = YamlConfig.map(scrape, shipped, "scrape_configs[]");
            String name = String.valueOf(job.get("job_name"));
            jobs.add(name);
            Integer port = ports.get(name);
            if (port == null) {
                throw new IllegalStateException(shipped + ": job " + name + " has no counterpart in the native stack "
                        + "(it runs " + new TreeSet<>(ports.keySet()) + ")");
            }
            job.remove("file_sd_configs");
            String where = "job " + name + " static_configs";
            List<String> targets = new ArrayList<>(List.of("127.0.0.1:" + port));
            moreTargets.getOrDefault(name, List.of()).forEach(more -> targets.add("127.0.0.1:" + more));
            for (Object staticConfig : YamlConfig.list(job.get("static_configs"), shipped, where)) {
                YamlConfig.map(staticConfig, shipped, "job " + name + " static_configs[]")
                        .put("targets", targets);
            }
        }
        List<String> unscraped = new ArrayList<>(new TreeSet<>(ports.keySet()));
        unscraped.removeAll(jobs);
        if (!unscraped.isEmpty()) {
            throw new IllegalStateException(shipped + " has no scrape job for " + unscraped);
        }
        String yaml = YamlConfig.dump(shipped + " with local targets, absolute rule paths and no file_sd_configs, "
                + "written by local-stack", config);
        try {
            Files.writeString(target, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    /** Every Alertmanager target becomes the local Alertmanager, which the {@code alertmanager} job scrapes. */
    private static void rewriteAlerting(Path shipped, Map<String, Object> config, Map<String, Integer> ports) {
        Object alerting = config.get("alerting");
        if (alerting == null) {
            return;
        }
        Integer port = ports.get("alertmanager");
        if (port == null) {
            throw new IllegalStateException(shipped + ": alerting has no counterpart in the native stack (no "
                    + "alertmanager among " + new TreeSet<>(ports.keySet()) + ")");
        }
        for (Object am : YamlConfig.list(YamlConfig.map(alerting, shipped, "alerting").get("alertmanagers"), shipped,
                "alerting.alertmanagers")) {
            Object staticConfigs = YamlConfig.map(am, shipped, "alerting.alertmanagers[]").get("static_configs");
            for (Object staticConfig : YamlConfig.list(staticConfigs,
                    shipped, "alerting.alertmanagers[].static_configs")) {
                YamlConfig.map(staticConfig, shipped, "alerting.alertmanagers[].static_configs[]")
                        .put("targets", List.of("127.0.0.1:" + port));
            }
        }
    }

    /** Copies of the rule files the patterns match, in {@code folder}, each alert's {@code for:} divided. */
    private static List<String> divideFor(List<String> patterns, int divisor, Path folder) {
        List<String> copies = new ArrayList<>();
        try {
            Files.createDirectories(folder);
            for (String pattern : patterns) {
                Path glob = Path.of(pattern);
                PathMatcher matcher = glob.getFileSystem().getPathMatcher("glob:" + glob.getFileName());
                try (Stream<Path> files = Files.list(glob.getParent())) {
                    for (Path file : files.filter(f -> matcher.matches(f.getFileName())).sorted().toList()) {
                        Map<String, Object> rules = YamlConfig.read(file);
                        for (Object group : YamlConfig.list(rules.get("groups"), file, "groups")) {
                            Object groupRules = YamlConfig.map(group, file, "groups[]").get("rules");
                            for (Object rule : YamlConfig.list(groupRules, file, "rules")) {
                                Map<String, Object> r = YamlConfig.map(rule, file, "rules[]");
                                if (r.get("for") != null) {
                                    r.put("for", AlertTiming.divide(String.valueOf(r.get("for")), divisor));
                                }
                            }
                        }
                        Path copy = folder.resolve(file.getFileName());
                        Files.writeString(copy, YamlConfig.dump(file + " with every for: divided by " + divisor
                                + ", written by local-stack for a test", rules));
                        copies.add(copy.toString());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the rule files to " + folder, e);
        }
        return copies;
    }

    private static List<String> resolveRuleFiles(Path shipped, Object ruleFiles) {
        List<String> resolved = new ArrayList<>();
        if (ruleFiles == null) {
            return resolved;
        }
        Path folder = shipped.toAbsolutePath().getParent();
        for (Object entry : YamlConfig.list(ruleFiles, shipped, "rule_files")) {
            Path pattern = Path.of(String.valueOf(entry));
            resolved.add(pattern.isAbsolute() ? pattern.toString() : folder.resolve(pattern).normalize().toString());
        }
        return resolved;
    }

}
