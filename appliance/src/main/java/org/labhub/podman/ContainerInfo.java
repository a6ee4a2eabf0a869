package org.labhub.podman;

import static org.labhub.podman.PodmanJson.bool;
import static org.labhub.podman.PodmanJson.number;
import static org.labhub.podman.PodmanJson.stringMap;
import static org.labhub.podman.PodmanJson.strings;
import static org.labhub.podman.PodmanJson.text;
import static org.labhub.podman.PodmanJson.time;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * What labhub reads from {@code GET /containers/{id}/json}: the state that decides a server's fate, the labels
 * that tie it to a user, and the settings a test or an admin checks to see that the hardening took effect.
 *
 * @param effectiveCaps capabilities the container's process really holds (empty after dropping ALL)
 */
public record ContainerInfo(String id, String name, String image, String ociRuntime, State state,
                            Map<String, String> labels, String user, Host host, List<String> effectiveCaps) {

    /**
     * @param status created, running, paused, exited, stopped, …
     * @param oomKilled as Podman reports it; Podman 4.3.1 with conmon 2.1.6 never sets it (see docs/adr/0008)
     */
    public record State(String status, boolean running, int exitCode, boolean oomKilled, long pid,
                        Optional<Instant> startedAt, Optional<Instant> finishedAt, String error) {}

    /**
     * The host-side settings of inspect's {@code HostConfig}.
     *
     * @param securityOpt e.g. {@code no-new-privileges}
     * @param usernsMode {@code private} when Podman made a user namespace, empty when it did not
     * @param uidMap the user namespace's ranges as {@code container:host:size}
     * @param tmpfs mounted tmpfs folders with their options
     */
    public record Host(String networkMode, boolean readonlyRootfs, List<String> capAdd, List<String> capDrop,
                       List<String> securityOpt, long memory, long nanoCpus, long cpuQuota, long cpuPeriod,
                       long pidsLimit, String usernsMode, List<String> uidMap, Map<String, String> tmpfs,
                       List<String> binds, Map<String, Long> ulimitsHard) {}

    static ContainerInfo from(JsonNode j) {
        JsonNode s = j.path("State");
        JsonNode c = j.path("Config");
        JsonNode h = j.path("HostConfig");
        State state = new State(text(s, "Status"), bool(s, "Running"), (int) number(s, "ExitCode"), bool(s, "OOMKilled"),
                number(s, "Pid"), time(s, "StartedAt"), time(s, "FinishedAt"), text(s, "Error"));
        Map<String, Long> ulimits = new LinkedHashMap<>();
        h.path("Ulimits").values().forEach(u -> ulimits.put(text(u, "Name"), number(u, "Hard")));
        Host host = new Host(text(h, "NetworkMode"), bool(h, "ReadonlyRootfs"), strings(h, "CapAdd"), strings(h, "CapDrop"),
                strings(h, "SecurityOpt"), number(h, "Memory"), number(h, "NanoCpus"), number(h, "CpuQuota"),
                number(h, "CpuPeriod"), number(h, "PidsLimit"), text(h, "UsernsMode"),
                strings(h.path("IDMappings"), "UidMap"), stringMap(h, "Tmpfs"), strings(h, "Binds"), Map.copyOf(ulimits));
        return new ContainerInfo(text(j, "Id"), text(j, "Name"), text(j, "ImageName"), text(j, "OCIRuntime"), state,
                stringMap(c, "Labels"), text(c, "User"), host, strings(j, "EffectiveCaps"));
    }
}
