package io.github.cdcmonitoring.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The ports .env publishes are one resource of the whole machine: a test that holds one to see it refused, and a test
 * that runs {@code LocalStackMain} and needs them free, must not overlap. Surefire runs two test classes at a time in
 * separate JVMs, so the lock is a file lock, which the operating system releases even if the JVM dies.
 */
final class EnvPortsLock implements AutoCloseable {

    private static final Path FILE = Path.of(System.getProperty("java.io.tmpdir"), "cdc-monitoring-env-ports.lock");

    private final FileChannel channel;
    private final FileLock lock;

    private EnvPortsLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Waits until no other test JVM holds the .env ports, then holds them until closed. */
    static EnvPortsLock take() {
        try {
            FileChannel channel = FileChannel.open(FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            return new EnvPortsLock(channel, channel.lock());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + FILE, e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
