package io.github.cdcmonitoring.localstack;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Optional;

/**
 * Entry point of every forked broker and worker JVM: {@code ForkMain <parent pid> <main class> [args...]}. Runs the
 * main class, and ends the JVM when the parent process is gone. A test JVM that surefire kills, or a
 * {@code java -jar local-stack.jar} killed with SIGKILL, cannot run its shutdown hooks; without this, its Kafka and
 * Connect processes would live on and hold the ports.
 */
public final class ForkMain {

    private static final long PARENT_CHECK_MS = 250;
    /**
     * After the parent is gone: time for a clean exit before the JVM is halted. Short, because the user's next start
     * waits for these ports, and a clean exit rarely finishes anyway once the broker beside it is gone too.
     */
    private static final long EXIT_GRACE_MS = 5_000;

    private ForkMain() {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length < 2) {
            System.err.println("usage: ForkMain <parent pid> <main class> [args...]");
            System.exit(2);
        }
        Optional<ProcessHandle> parent = ProcessHandle.of(Long.parseLong(args[0]));
        Thread guard = new Thread(() -> watch(parent), "parent-watch");
        guard.setDaemon(true);
        guard.start();

        Method main = Class.forName(args[1]).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void watch(Optional<ProcessHandle> parent) {
        try {
            while (parent.map(ProcessHandle::isAlive).orElse(false)) {
                Thread.sleep(PARENT_CHECK_MS);
            }
        } catch (InterruptedException e) {
            return;
        }
        System.err.println("ForkMain: parent process is gone, exiting");
        Thread halt = new Thread(() -> {
            try {
                Thread.sleep(EXIT_GRACE_MS);
            } catch (InterruptedException ignored) {
                // halting now is what was asked anyway
            }
            Runtime.getRuntime().halt(1);
        }, "parent-watch-halt");
        halt.setDaemon(true);
        halt.start();
        System.exit(1);
    }
}
