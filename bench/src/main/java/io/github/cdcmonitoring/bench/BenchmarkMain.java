package io.github.cdcmonitoring.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.cdcmonitoring.repo.RepoFiles;
import io.github.cdcmonitoring.repo.TempDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The whole benchmark in one run: the write ceiling, then each configuration ({@link Variant#ALL}: shipped, defaults,
 * then the shipped connector on the cluster shape) on a fresh native stack; writes results.json and the plots to the output folder and rewrites the results section of the Markdown file.
 *
 * <pre>
 * BenchmarkMain [--quick] [--only shipped|defaults|cluster] [--out DIR] [--markdown FILE]
 *   --quick      tiny sizes: checks that every step produces its figures (the smoke test's mode)
 *   --only       one configuration and no write ceiling: a tuning experiment (write it elsewhere with --out and
 *                --markdown; its report leaves the other figures empty)
 *   --out        where results.json and the PNG plots go (default bench/plots)
 *   --markdown   the file whose results section is rewritten (default BENCHMARKS.md)
 * </pre>
 */
public final class BenchmarkMain {

    private static final String[] VERSION_PROPERTIES = {"kafka.version", "debezium.version", "postgres-binaries.version",
        "jmx-exporter.version"};

    private BenchmarkMain() {
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        run(options);
    }

    /** The parsed command line; paths relative to the repository root. */
    record Options(boolean quick, String only, Path out, Path markdown) {

        static Options parse(String[] args) {
            Path root = RepoFiles.locate().root();
            boolean quick = false;
            String only = null;
            Path out = root.resolve("bench/plots");
            Path markdown = root.resolve("BENCHMARKS.md");
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--quick" -> quick = true;
                    case "--only" -> {
                        only = value(args, ++i, "--only");
                        if (!Variant.names().contains(only)) {
                            throw new IllegalArgumentException("--only must be one of " + Variant.names() + ", got '"
                                    + only + "'");
                        }
                    }
                    case "--out" -> out = root.resolve(value(args, ++i, "--out"));
                    case "--markdown" -> markdown = root.resolve(value(args, ++i, "--markdown"));
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i]
                            + "' (expected --quick, --only NAME, --out DIR, --markdown FILE)");
                }
            }
            MarkdownReport.requireMarkers(markdown);
            return new Options(quick, only, out, markdown);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length || args[i].isBlank()) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }
    }

    /** Runs everything; returns the results (also written to disk). */
    public static Path run(Options options) throws Exception {
        MarkdownReport.requireMarkers(options.markdown());
        System.setProperty("java.awt.headless", "true");
        long started = System.nanoTime();
        double loadAtStart = loadAverage();
        Path root = RepoFiles.locate().root();
        BenchSettings settings = options.quick() ? BenchSettings.quickRun() : BenchSettings.fullRun();
        Files.createDirectories(options.out());
        Path workDir = TempDirectory.create("bench-");
        // Stopped by SIGTERM (Ctrl-C, kill), the finally below does not run: stop what this run started (the stack's
        // own hook stops the stack; the generator and change exporter are this run's) and remove its files.
        Thread onSigterm = new Thread(() -> stopChildrenAndDelete(workDir), "bench-stop");
        Runtime.getRuntime().addShutdownHook(onSigterm);
        try {
            List<Results.CeilingRow> ceiling = List.of();
            if (options.only() == null) {
                log("write ceiling: " + WriteCeiling.SCRIPT);
                ceiling = WriteCeiling.measure(root, settings, workDir);
                log("write ceiling: " + ceiling);
            }
            ConfigurationRun runner = new ConfigurationRun(settings, root, workDir, BenchmarkMain::log);
            List<Results.Configuration> configurations = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            List<Variant> variants = Variant.ALL.stream()
                    .filter(v -> options.only() == null || v.name().equals(options.only())).toList();
            List<String> names = variants.stream().map(Variant::name).toList();
            Path json = write(options, root, settings, ceiling, configurations, names, loadAtStart, started);
            for (Variant variant : variants) {
                String kind = configurations.isEmpty() ? "cold (first start after the build)" : "warm";
                try {
                    Results.Configuration measured = runner.run(variant, kind);
                    if (measured.warm() == null) {
                        // The goal is a warm start: the first configuration starts a second stack to measure one.
                        measured = measured.withWarmStart(runner.warmStart(variant));
                        log(variant.name() + ": warm start, first change "
                                + measured.warm().secondsToFirstChange() + " s after start");
                    }
                    configurations.add(measured);
                } catch (RuntimeException | SQLException e) {
                    // One configuration failing must not lose the other's figures; the report names the failure.
                    failures.add(variant.name() + " (failed: " + e.getMessage().lines().findFirst().orElse("") + ")");
                    log("configuration " + variant.name() + " failed: " + e);
                }
                // After each configuration, so that a run cut short still leaves what it measured.
                List<String> missing = new ArrayList<>(failures);
                names.stream().filter(name -> configurations.stream().noneMatch(c -> c.name().equals(name))
                        && failures.stream().noneMatch(f -> f.startsWith(name + " "))).forEach(missing::add);
                json = write(options, root, settings, ceiling, configurations, missing, loadAtStart, started);
            }
            return json;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onSigterm);
            } catch (IllegalStateException shutdownInProgress) {
                // SIGTERM: the hook stops the children and deletes workDir
            }
            TempDirectory.deleteRecursively(workDir);
        }
    }

    private static void stopChildrenAndDelete(Path workDir) {
        List<ProcessHandle> children = ProcessHandle.current().children().toList();
        children.forEach(ProcessHandle::destroy);
        for (ProcessHandle child : children) {
            try {
                child.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                child.destroyForcibly();
            }
        }
        TempDirectory.deleteRecursively(workDir);
    }

    private static Path write(Options options, Path root, BenchSettings settings, List<Results.CeilingRow> ceiling,
                              List<Results.Configuration> configurations, List<String> notMeasured,
                              double loadAtStart, long started)
            throws IOException {
        Results results = new Results(DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(
                java.time.temporal.ChronoUnit.SECONDS)), options.quick() ? "quick" : "full", machine(), versions(root),
                settings, ceiling, List.copyOf(configurations), notMeasured, loadAtStart, loadAverage(),
                (System.nanoTime() - started) / 1e9);
        Path json = options.out().resolve("results.json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), results);
        List<Path> plots = configurations.isEmpty() ? List.of() : Charts.write(results, options.out());
        MarkdownReport.rewrite(options.markdown(), results, plots);
        log("BENCH | " + summary(results));
        log("wrote " + json + ", " + plots.size() + " plots and the results section of " + options.markdown());
        return json;
    }

    private static String summary(Results results) {
        StringBuilder text = new StringBuilder();
        for (Results.Configuration c : results.configurations()) {
            text.append(c.name()).append(": drain ").append(MarkdownReport.fmt(c.drain().eventsPerSecond(), 0))
                    .append(" events/s, live ratio ").append(MarkdownReport.fmt(c.live().capturedOverWritten(), 3))
                    .append(", start ").append(MarkdownReport.fmt(c.start().secondsToFirstChange(), 1)).append(" s; ");
        }
        return text.toString();
    }

    /** The machine's 1-minute load average: other work on a shared machine shows here. */
    private static double loadAverage() throws IOException {
        return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
    }

    private static Results.Machine machine() throws IOException {
        String cpu = "unknown";
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) {
                cpu = line.substring(line.indexOf(':') + 1).trim();
                break;
            }
        }
        long memory = 0;
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                memory = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        return new Results.Machine(Runtime.getRuntime().availableProcessors(), memory, cpu,
                System.getProperty("os.name") + " " + System.getProperty("os.version"),
                System.getProperty("java.version"));
    }

    private static Map<String, String> versions(Path root) throws IOException {
        String pom = Files.readString(root.resolve("pom.xml"));
        Map<String, String> versions = new LinkedHashMap<>();
        for (String property : VERSION_PROPERTIES) {
            Matcher matcher = Pattern.compile("<" + Pattern.quote(property) + ">([^<]+)<").matcher(pom);
            versions.put(property.replace(".version", ""), matcher.find() ? matcher.group(1) : "unknown");
        }
        return versions;
    }

    static void log(String line) {
        System.out.println(DateTimeFormatter.ISO_LOCAL_TIME.format(Instant.now().atOffset(ZoneOffset.UTC)
                .toLocalTime().withNano(0)) + " " + line);
    }
}
