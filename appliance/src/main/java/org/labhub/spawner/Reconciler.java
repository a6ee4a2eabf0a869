package org.labhub.spawner;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.labhub.podman.ContainerSummary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At hub start, holds the catalog to what Podman really runs: running servers are adopted (a hub restart never
 * stops a notebook), servers whose container died meanwhile are recorded as stopped with the reason, and
 * containers of this hub that the catalog does not know are removed.
 */
final class Reconciler {
    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

    /** What reconciliation did, for the log and the tests. */
    record Summary(int adopted, int markedStopped, int orphansRemoved) {}

    private final Spawner spawner;

    Reconciler(Spawner spawner) {
        this.spawner = spawner;
    }

    Summary run() {
        ServerStore store = spawner.store();
        NotebookContainers containers = spawner.containers();
        List<ContainerSummary> mine = spawner.podman().containers().listByLabel(NotebookContainers.LABEL_HUB + "=" + containers.hubId());
        Map<String, ContainerSummary> byId = new HashMap<>();
        mine.forEach(c -> byId.put(c.id(), c));
        Set<String> claimed = new HashSet<>();
        int adopted = 0;
        int stopped = 0;
        for (Server s : store.active()) {
            ContainerSummary c = s.containerId().map(byId::get).orElse(null);
            if (c != null) {
                claimed.add(c.id());
            }
            boolean running = c != null && c.state().equals("running");
            if (running && s.state() == Server.State.RUNNING) {
                adopted++;
                continue;
            }
            if (running && s.state() == Server.State.STARTING && answers(s)) {
                store.markRunning(s.id(), spawner.clock().instant());
                adopted++;
                continue;
            }
            String reason;
            OptionalInt exit = OptionalInt.empty();
            if (running && s.state() == Server.State.STARTING) {
                reason = "the hub restarted while this server was starting; start it again";
            } else if (running) {
                reason = s.stopReason(); // it was being stopped: finish that
            } else if (c != null) {
                exit = OptionalInt.of(c.exitCode());
                reason = "the server stopped while the hub was down (exit code " + c.exitCode() + ")";
            } else {
                reason = "the server's container disappeared while the hub was down";
            }
            if (c != null) {
                spawner.removeQuietly(c.id());
            }
            containers.removeSocketDir(s.key());
            store.markStopped(s.id(), reason, exit, spawner.clock().instant());
            stopped++;
        }
        int orphans = 0;
        for (ContainerSummary c : mine) {
            if (!claimed.contains(c.id())) {
                log.info("removing container {} that no server of this hub claims", c.names());
                spawner.removeQuietly(c.id());
                orphans++;
            }
        }
        Summary summary = new Summary(adopted, stopped, orphans);
        log.atInfo().addKeyValue("adopted", adopted).addKeyValue("stopped", stopped).addKeyValue("orphans_removed", orphans)
                .log("servers reconciled with Podman");
        return summary;
    }

    private boolean answers(Server s) {
        try {
            spawner.notebookStatus(s, Duration.ofSeconds(2));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
