package org.labhub.podman;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.labhub.podman.Containers.WaitCondition;

/** The event stream against a real Podman: what the spawner relies on to see a server die within moments. */
@ExtendWith(TestPodman.class)
class EventsTest {
    private final PodmanClient client = TestPodman.client();
    private final Containers containers = client.containers();
    private final String run = UUID.randomUUID().toString();
    private final BlockingQueue<PodmanEvent> events = new LinkedBlockingQueue<>();

    @AfterEach
    void removeWhatTheTestCreated() {
        TestPodman.removeTestContainers();
    }

    private Map<String, List<String>> thisRun() {
        return Map.of("type", List.of("container"), "label", List.of("labhub.test.run=" + run));
    }

    /** Takes events until one matches, failing after {@code timeout}; returns all taken, the match last. */
    private List<PodmanEvent> until(Predicate<PodmanEvent> match, Duration timeout) throws InterruptedException {
        List<PodmanEvent> seen = new ArrayList<>();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            PodmanEvent e = events.poll(50, TimeUnit.MILLISECONDS);
            if (e != null) {
                seen.add(e);
                if (match.test(e)) {
                    return seen;
                }
            }
        }
        throw new AssertionError("no matching event within " + timeout + "; saw " + seen);
    }

    @Test
    void theStreamShowsAContainerStartAndDieWithItsExitCode() throws Exception {
        try (EventSubscription subscription = client.events(thisRun(), Optional.empty(), events::add)) {
            String other = containers.create(TestPodman.spec("true").build());
            containers.start(other);
            String id = containers.create(TestPodman.spec("sh", "-c", "sleep 0.2; exit 5").name("labhub-test-events-" + run.substring(0, 8))
                    .label("labhub.test.run", run).build());
            containers.start(id);

            List<PodmanEvent> seen = until(e -> e.action().equals("died"), Duration.ofSeconds(10));

            assertThat(seen).extracting(PodmanEvent::id).containsOnly(id);
            assertThat(seen).extracting(PodmanEvent::action).containsSubsequence("create", "start", "died");
            PodmanEvent died = seen.get(seen.size() - 1);
            assertThat(died.type()).isEqualTo("container");
            assertThat(died.exitCode()).hasValue(5);
            assertThat(died.name()).isEqualTo("labhub-test-events-" + run.substring(0, 8));
            assertThat(died.attributes()).containsEntry("labhub.test.run", run);
            assertThat(died.time()).isBetween(Instant.now().minusSeconds(30), Instant.now());
            assertThat(seen.get(0).exitCode()).isEmpty();
            assertThat(subscription.ended()).isNotDone();
        }
    }

    @Test
    void aContainerRemovedFromOutsideShowsUpAsDiedAndRemoved() throws Exception {
        String id = containers.create(TestPodman.spec("sleep", "30").label("labhub.test.run", run).build());
        containers.start(id);
        try (EventSubscription ignored = client.events(thisRun(), Optional.empty(), events::add)) {
            TestPodman.run("podman", "rm", "-f", "-t", "0", id);

            List<PodmanEvent> seen = until(e -> e.action().equals("remove"), Duration.ofSeconds(10));

            assertThat(seen).extracting(PodmanEvent::action).containsSubsequence("died", "remove");
        }
    }

    @Test
    void sinceReplaysWhatHappenedBeforeTheSubscription() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        String id = containers.create(TestPodman.spec("true").label("labhub.test.run", run).build());
        containers.start(id);
        containers.wait(id, WaitCondition.EXITED, Duration.ofSeconds(10));

        try (EventSubscription ignored = client.events(thisRun(), Optional.of(before), events::add)) {
            assertThat(until(e -> e.action().equals("died"), Duration.ofSeconds(10)))
                    .extracting(PodmanEvent::action).contains("start");
        }
    }

    @Test
    void closingTheSubscriptionEndsTheStreamQuietly() throws Exception {
        EventSubscription subscription = client.events(thisRun(), Optional.empty(), events::add);

        subscription.close();

        subscription.ended().get(5, TimeUnit.SECONDS);
        String id = containers.create(TestPodman.spec("true").label("labhub.test.run", run).build());
        containers.start(id);
        containers.wait(id, WaitCondition.EXITED, Duration.ofSeconds(10));
        assertThat(events.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void aQuietStreamOutlivesTheClientsIdleTimeout() throws Exception {
        Path socket = client.socket();
        try (PodmanClient impatient = new PodmanClient(socket, Duration.ofMillis(500), "runc");
             EventSubscription subscription = impatient.events(thisRun(), Optional.empty(), events::add)) {
            Thread.sleep(1500); // three idle timeouts without a single event: the point of this test

            String id = containers.create(TestPodman.spec("true").label("labhub.test.run", run).build());
            containers.start(id);

            until(e -> e.action().equals("start"), Duration.ofSeconds(10));
            assertThat(subscription.ended()).isNotDone();
        }
    }
}
