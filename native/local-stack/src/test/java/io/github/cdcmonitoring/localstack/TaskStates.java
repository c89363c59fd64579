package io.github.cdcmonitoring.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What an operator polling {@code GET /connectors/<name>/status} sees during a fault: the connector's and its first
 * task's states, sampled every 500 ms in the background, consecutive repeats dropped (e.g. RUNNING/RUNNING,
 * Connect unreachable, RUNNING/RUNNING). Close it to stop sampling.
 */
final class TaskStates implements AutoCloseable {

    private final ConnectRest rest;
    private final String connector;
    private final List<String> transitions = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "task-states");
        thread.setDaemon(true);
        return thread;
    });

    TaskStates(ConnectRest rest, String connector) {
        this.rest = rest;
        this.connector = connector;
        timer.scheduleWithFixedDelay(this::sample, 0, 500, TimeUnit.MILLISECONDS);
    }

    private void sample() {
        String state;
        try {
            ConnectRest.Response response = rest.get("/connectors/" + connector + "/status");
            if (response.ok()) {
                JsonNode status = response.json();
                state = status.path("connector").path("state").asText() + "/"
                        + status.path("tasks").path(0).path("state").asText("no task");
            } else {
                state = "HTTP " + response.status();
            }
        } catch (RuntimeException e) {
            state = "Connect unreachable";
        }
        synchronized (transitions) {
            if (transitions.isEmpty() || !transitions.get(transitions.size() - 1).equals(state)) {
                transitions.add(state);
            }
        }
    }

    /** The states seen so far, in order, without consecutive repeats. */
    List<String> seen() {
        synchronized (transitions) {
            return List.copyOf(transitions);
        }
    }

    @Override
    public void close() throws InterruptedException {
        timer.shutdownNow();
        timer.awaitTermination(10, TimeUnit.SECONDS);
    }
}
