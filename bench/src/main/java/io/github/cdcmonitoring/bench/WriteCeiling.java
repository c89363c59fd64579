package io.github.cdcmonitoring.bench;

import io.github.cdcmonitoring.repo.BoundedProcess;
import java.net.ServerSocket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The write ceiling: runs bench/generator-vs-pgbench.sh (pgbench and the generator at rate 0 taking turns on one
 * PostgreSQL with the repository's postgresql.conf, 1, 4 and 8 connections) and reads its table.
 */
final class WriteCeiling {

    static final String SCRIPT = "bench/generator-vs-pgbench.sh";
    private static final Pattern ROW = Pattern.compile(
            "^\\| (\\d+) \\| (\\d+) \\| (\\d+) \\| \\*\\*([0-9.]+)\\*\\* \\|", Pattern.MULTILINE);

    private WriteCeiling() {
    }

    static List<Results.CeilingRow> measure(Path repoRoot, BenchSettings settings, Path workDir) {
        String output = BoundedProcess.runChecked(SCRIPT, List.of("bash", repoRoot.resolve(SCRIPT).toString()),
                Map.of("BENCH_SECONDS", Integer.toString(settings.ceilingSliceSeconds()),
                        "BENCH_ROUNDS", Integer.toString(settings.ceilingRounds()),
                        "BENCH_WARMUP_SECONDS", Integer.toString(settings.ceilingWarmupSeconds()),
                        "BENCH_PORT", Integer.toString(freePort()),
                        "BENCH_RESULTS_DIR", workDir.toString()),
                Duration.ofMinutes(10));
        List<Results.CeilingRow> rows = new ArrayList<>();
        Matcher matcher = ROW.matcher(output);
        while (matcher.find()) {
            rows.add(new Results.CeilingRow(Integer.parseInt(matcher.group(1)), Long.parseLong(matcher.group(2)),
                    Long.parseLong(matcher.group(3)), Double.parseDouble(matcher.group(4))));
        }
        if (rows.isEmpty()) {
            throw new IllegalStateException(SCRIPT + " printed no result table:\n" + output);
        }
        return rows;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
