package io.github.cdcmonitoring.localstack;

import io.github.cdcmonitoring.localstack.process.Executables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Docker Compose 2 run as a validator and resolver of a compose file ({@code config}), which needs no Docker daemon.
 * Each run gets a clean environment: a HOME and DOCKER_CONFIG of its own in {@code scratch}, DOCKER_HOST pointing at a
 * socket nothing listens on (so a command that wanted a daemon would fail, never reach one), and none of the shell's
 * variables, which Compose would otherwise let override .env.
 */
final class ComposeCli {

    private static final long TIMEOUT_SECONDS = 60;

    private final List<String> command;
    private final Path scratch;

    private ComposeCli(List<String> command, Path scratch) {
        this.command = command;
        this.scratch = scratch;
    }

    /** The installed Compose 2 ({@code docker compose}, else {@code docker-compose}); fails in one line if absent. */
    static ComposeCli find(Path scratch) {
        for (List<String> candidate : List.of(List.of("docker", "compose"), List.of("docker-compose"))) {
            var program = Executables.find(candidate.get(0));
            if (program.isEmpty()) {
                continue;
            }
            List<String> command = new ArrayList<>(candidate);
            command.set(0, program.get().toString());
            ComposeCli cli = new ComposeCli(command, scratch);
            Result version = cli.run(scratch, "version", "--short");
            if (version.exitCode() == 0 && version.output().strip().matches("v?2\\..*")) {
                return cli;
            }
        }
        throw new AssertionError("Docker Compose 2 is not installed (neither `docker compose` nor `docker-compose`); "
                + "install with: sudo bash .ci/install-packages");
    }

    record Result(int exitCode, String output) {

        List<String> lines() {
            return output.lines().filter(line -> !line.isBlank()).toList();
        }
    }

    /** {@code compose <args>} in {@code dir}; stdout and stderr together. */
    Result run(Path dir, String... args) {
        List<String> full = new ArrayList<>(command);
        full.addAll(List.of(args));
        try {
            Path output = Files.createTempFile(scratch, "compose", ".out");
            ProcessBuilder builder = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            Map<String, String> env = builder.environment();
            env.clear();
            env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
            env.put("HOME", scratch.toString());
            env.put("DOCKER_CONFIG", scratch.resolve("docker-config").toString());
            env.put("DOCKER_HOST", "unix://" + scratch.resolve("no-daemon.sock"));
            Process process = builder.start();
            process.getOutputStream().close();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", full) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            Files.delete(output);
            return new Result(process.exitValue(), text);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", full) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + String.join(" ", full), e);
        }
    }
}
