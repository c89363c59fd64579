package io.github.cdcmonitoring.postgres;

/**
 * {@code RepoPostgresChild <port>}: starts a {@link RepoPostgres} (port 0: a free one), prints
 * {@code READY <port> <run directory>} and waits to be killed. A separate JVM, so a test can SIGKILL it.
 */
public final class RepoPostgresChild {

    private RepoPostgresChild() {
    }

    public static void main(String[] args) throws Exception {
        RepoPostgres pg = RepoPostgres.start(Integer.parseInt(args[0]), false);
        System.out.println("READY " + pg.port() + " " + pg.runDirectory());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
