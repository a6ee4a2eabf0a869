package org.labhub.podman;

import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * One sample of a running container's use, for the admin page.
 *
 * @param cpuPercent Podman's figure: CPU time since the container started over the time since then, in percent
 *                   of one CPU; inflated in the first second or so. For current use, see {@link #cpuPercentSince}.
 * @param cpuNanos CPU time used since the container started
 * @param memoryLimitBytes the cgroup limit; the host's memory when none was set
 * @param sampledAt when Podman took the sample
 */
public record ContainerStats(String id, double cpuPercent, long cpuNanos, long memoryUsageBytes, long memoryLimitBytes,
                             long pids, Instant sampledAt) {

    /** CPU use between an earlier sample and this one, in percent of one CPU (150 = one and a half CPUs). */
    public double cpuPercentSince(ContainerStats earlier) {
        long wall = (sampledAt.getEpochSecond() - earlier.sampledAt.getEpochSecond()) * 1_000_000_000L
                + (sampledAt.getNano() - earlier.sampledAt.getNano());
        return wall <= 0 ? 0 : 100.0 * (cpuNanos - earlier.cpuNanos) / wall;
    }

    static ContainerStats from(JsonNode j) {
        return new ContainerStats(PodmanJson.text(j, "ContainerID"), PodmanJson.decimal(j, "CPU"),
                PodmanJson.number(j, "CPUNano"), PodmanJson.number(j, "MemUsage"), PodmanJson.number(j, "MemLimit"),
                PodmanJson.number(j, "PIDs"), Instant.ofEpochSecond(0, PodmanJson.number(j, "SystemNano")));
    }
}
