package io.github.cdcmonitoring.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The leader of the Connect workers' group, as the workers log it at each rebalance ("Joined group at generation N
 * ... leaderUrl='http://127.0.0.1:port/'"): Connect's REST API does not say which worker leads. The leader computes
 * every assignment, and only a leader that survives a worker's death holds the lost tasks back for
 * scheduled.rebalance.max.delay.ms.
 */
final class GroupLeader {

    private static final Pattern JOINED = Pattern.compile("Joined group at generation (\\d+) .*leaderUrl='([^']+?)/?'");

    private GroupLeader() {
    }

    /** The REST URL of the leader of the newest generation any worker logged. */
    static String of(List<ConnectWorker> workers) {
        int newest = -1;
        String leader = null;
        for (ConnectWorker worker : workers) {
            try {
                for (String line : Files.readAllLines(worker.logFile())) {
                    Matcher joined = JOINED.matcher(line);
                    if (joined.find() && Integer.parseInt(joined.group(1)) > newest) {
                        newest = Integer.parseInt(joined.group(1));
                        leader = joined.group(2);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (leader == null) {
            throw new AssertionError("no worker has logged joining its group");
        }
        return leader;
    }
}
