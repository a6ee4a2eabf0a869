package org.labhub.podman;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/** The container endpoints of the libpod API that labhub uses, one method each. */
public final class Containers {
    private static final Logger log = LoggerFactory.getLogger(Containers.class);

    private final PodmanHttp http;
    private final String defaultRuntime;

    Containers(PodmanHttp http, String defaultRuntime) {
        this.http = http;
        this.defaultRuntime = defaultRuntime;
    }

    /** Creates (does not start) a container; returns its id. A name in use is a {@link PodmanException.Conflict}. */
    public String create(ContainerSpec spec) {
        String body = PodmanJson.MAPPER.writeValueAsString(spec.toSpecGenerator(defaultRuntime));
        Request r = http.request("POST", "/containers/create").body(new StringRequestContent("application/json", body));
        JsonNode answer = http.send(r, 201, 200).json();
        for (String warning : PodmanJson.strings(answer, "Warnings")) {
            log.warn("podman warns about container {}: {}", spec.name(), warning);
        }
        return PodmanJson.text(answer, "Id");
    }

    /** Starts a created or stopped container; starting a running one does nothing. */
    public void start(String id) {
        http.send(http.request("POST", "/containers/" + PodmanHttp.segment(id) + "/start"), 204, 304);
    }

    /** Sends the stop signal, then SIGKILL after {@code timeoutSeconds}; stopping a stopped container does nothing. */
    public void stop(String id, int timeoutSeconds) {
        Request r = http.request("POST", "/containers/" + PodmanHttp.segment(id) + "/stop",
                        http.timeout().plusSeconds(timeoutSeconds))
                .param("timeout", Integer.toString(timeoutSeconds));
        http.send(r, 204, 304);
    }

    /** Sends a signal, such as {@code SIGKILL}; a container that is not running is a {@link PodmanException.Conflict}. */
    public void kill(String id, String signal) {
        http.send(http.request("POST", "/containers/" + PodmanHttp.segment(id) + "/kill").param("signal", signal), 204);
    }

    /**
     * Removes a container and its anonymous volumes; {@code force} kills a running one first (without the stop
     * timeout: call {@link #stop} before to let it end gracefully). Podman 4.3
     * sometimes reports a failure (device or resource busy on the shm mount) for a container it did remove:
     * what counts is that the container is gone, so that case is only logged.
     */
    public void remove(String id, boolean force) {
        Request r = http.request("DELETE", "/containers/" + PodmanHttp.segment(id))
                .param("force", Boolean.toString(force)).param("v", "true");
        if (force) {
            r.param("timeout", "0");
        }
        try {
            http.send(r, 200, 204);
        } catch (PodmanException.NotFound | PodmanException.Unavailable | PodmanException.Conflict e) {
            throw e;
        } catch (PodmanException e) {
            if (exists(id)) {
                throw e;
            }
            log.warn("podman reported an error removing container {}, but it is gone: {}", id, e.getMessage());
        }
    }

    public ContainerInfo inspect(String id) {
        return ContainerInfo.from(http.send(http.request("GET", "/containers/" + PodmanHttp.segment(id) + "/json"), 200).json());
    }

    public boolean exists(String nameOrId) {
        return http.send(http.request("GET", "/containers/" + PodmanHttp.segment(nameOrId) + "/exists"), 204, 404).status() == 204;
    }

    /**
     * Waits until the container reaches {@code condition}; returns its exit code, or empty if {@code timeout}
     * passed first (the container is left as it is).
     */
    public Optional<Integer> wait(String id, WaitCondition condition, Duration timeout) {
        Request r = http.request("POST", "/containers/" + PodmanHttp.segment(id) + "/wait", timeout)
                .param("condition", condition.podmanName());
        try {
            return Optional.of(http.send(r, 200).json().asInt());
        } catch (PodmanException.Unavailable e) {
            if (e.getCause() instanceof TimeoutException) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** All containers, running or not, that carry the label: {@code key} or {@code key=value}. */
    public List<ContainerSummary> listByLabel(String label) {
        String filters = PodmanJson.MAPPER.writeValueAsString(Map.of("label", List.of(label)));
        Request r = http.request("GET", "/containers/json").param("all", "true").param("filters", filters);
        List<ContainerSummary> out = new ArrayList<>();
        http.send(r, 200).json().values().forEach(c -> out.add(ContainerSummary.from(c)));
        return out;
    }

    /** The last {@code tail} lines of stdout and stderr, interleaved as written, without Podman's frame headers. */
    public String logs(String id, int tail) {
        Request r = http.request("GET", "/containers/" + PodmanHttp.segment(id) + "/logs")
                .param("stdout", "true").param("stderr", "true").param("tail", Integer.toString(tail));
        return LogFrames.text(http.send(r, 200).body());
    }

    /**
     * Follows a container's stdout and stderr from its first byte, handing each chunk to {@code chunk} as it
     * comes, until the container exits (Podman then ends the stream) or {@code deadline} passes. Blocks.
     */
    public void followLogs(String id, Duration deadline, Consumer<byte[]> chunk) throws IOException {
        Request r = http.request("GET", "/containers/" + PodmanHttp.segment(id) + "/logs", deadline)
                .param("stdout", "true").param("stderr", "true").param("follow", "true");
        try (InputStream body = http.stream(r, 200)) {
            LogFrames.copy(body, chunk);
        }
    }

    /** One sample of CPU, memory and process use (all zero for a container that is not running). */
    public ContainerStats stats(String id) {
        Request r = http.request("GET", "/containers/stats").param("containers", id).param("stream", "false");
        JsonNode answer = http.send(r, 200).json();
        JsonNode stats = answer.path("Stats");
        if (!stats.isArray() || stats.isEmpty()) {
            throw new PodmanException.NotFound("GET /containers/stats: no statistics for container " + id, 200, "no such container");
        }
        return ContainerStats.from(stats.get(0));
    }

    /**
     * The contents of one regular file in a container, which need not be running (an image's recorded package
     * list, read from a created container). Podman answers with a tar stream; only the first entry is read.
     * A missing path is a {@link PodmanException.NotFound}; a folder, or a file larger than {@code maxBytes}, a
     * {@link PodmanException} saying so. Symbolic links are followed by Podman.
     */
    public byte[] readFile(String id, String path, int maxBytes) {
        Request r = http.request("GET", "/containers/" + PodmanHttp.segment(id) + "/archive").param("path", path);
        String what = "reading " + path + " from container " + id;
        try (InputStream body = http.stream(r, 200); TarArchiveInputStream tar = new TarArchiveInputStream(body)) {
            TarArchiveEntry entry = tar.getNextEntry();
            if (entry == null) {
                throw new PodmanException(what + ": Podman sent an empty archive", 200, "", null);
            }
            if (!entry.isFile()) {
                throw new PodmanException(what + ": it is not a regular file", 200, "", null);
            }
            if (entry.getSize() > maxBytes) {
                throw new PodmanException(what + ": it has " + entry.getSize() + " bytes, more than the " + maxBytes
                        + " allowed", 200, "", null);
            }
            byte[] data = tar.readNBytes((int) entry.getSize());
            if (data.length != entry.getSize()) {
                throw new PodmanException(what + ": the archive ended after " + data.length + " of " + entry.getSize()
                        + " bytes", 200, "", null);
            }
            return data;
        } catch (IOException e) {
            throw new PodmanException(what + ": the archive could not be read (" + e.getMessage() + ")", 200, "", e);
        }
    }

    /** States {@link #wait} can wait for. */
    public enum WaitCondition {
        RUNNING, EXITED, STOPPED;

        String podmanName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
