package io.github.cdcmonitoring.localstack.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tie between the stack and its native programs: a clean stop reaches the program, and a JVM killed with SIGKILL
 * (no shutdown hook) takes its programs with it, through the leftover watcher every child is registered with.
 * {@code sleep} stands in for prometheus: like it, it knows nothing of its parent.
 */
class NativeProcessTest {

    @TempDir
    Path dir;

    @Test
    void stopEndsTheProgram() {
        NativeProcess process = NativeProcess.of("sleeper", Path.of("/bin/sleep"), List.of("600"), Map.of(),
                dir.resolve("sleep.log"));
        process.start();
        ProcessHandle program = ProcessHandle.of(process.pid()).orElseThrow();
        // setsid runs first under the program's pid and then execs it; a fast look can still see setsid
        await("setsid execs the program itself under the same pid").atMost(Duration.ofSeconds(10))
                .until(() -> program.info().command().orElse("").endsWith("sleep"));

        process.stop(Duration.ofSeconds(10));

        assertThat(process.isAlive()).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> !program.isAlive());
    }

    @Test
    void aKilledParentTakesTheProgramWithIt() throws Exception {
        Process parent = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), Child.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        long programPid;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line = out.readLine();
            assertThat(line).as("the child's first line").startsWith("program ");
            programPid = Long.parseLong(line.substring("program ".length()));
        }
        ProcessHandle program = ProcessHandle.of(programPid).orElseThrow();
        assertThat(program.isAlive()).isTrue();

        parent.destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertThat(parent.waitFor()).isNotZero();

        await("the program ends once its parent is gone").atMost(Duration.ofSeconds(10))
                .until(() -> !program.isAlive());
    }

    /** Starts a program through NativeProcess, prints its pid and waits to be killed. */
    public static final class Child {

        public static void main(String[] args) throws Exception {
            NativeProcess process = NativeProcess.of("sleeper", Path.of("/bin/sleep"), List.of("600"), Map.of(),
                    Path.of(args[0]).resolve("child-sleep.log"));
            process.start();
            System.out.println("program " + process.pid());
            System.out.flush();
            Thread.sleep(Duration.ofMinutes(5).toMillis());
        }
    }
}
