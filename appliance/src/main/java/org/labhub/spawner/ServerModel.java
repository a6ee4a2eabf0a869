package org.labhub.spawner;

import java.time.Instant;

/**
 * A server as the API shows it, shaped like JupyterHub's server model ({@code ready}, {@code pending}, {@code url},
 * {@code progress_url}) with what labhub adds: the phase, environment, profile, and why it stopped. Stopped servers
 * are listed too (ready false, phase stopped), so that their user can see the reason.
 */
public record ServerModel(String name, boolean ready, String pending, String phase, String url, String progressUrl,
                          String environment, String profile, Instant started, Instant readyAt, Instant lastActivity,
                          Instant stoppedAt, String stopReason, Integer exitCode, OutOfMemory lastOom) {

    /** The last process the kernel killed in this server for lack of memory. */
    public record OutOfMemory(Instant at, String task) {}

    public static ServerModel of(Server s) {
        ServerKey key = s.key();
        String api = "/api/users/" + key.user() + (key.isDefault() ? "/server" : "/servers/" + key.server());
        String pending = switch (s.state()) {
            case STARTING -> "spawn";
            case STOPPING -> "stop";
            default -> null;
        };
        return new ServerModel(s.name(), s.state() == Server.State.RUNNING, pending, s.state().id(), key.baseUrl(),
                api + "/progress", s.environment(), s.profile(), s.requestedAt().orElse(null), s.readyAt().orElse(null),
                s.lastActivity().orElse(null), s.stoppedAt().orElse(null), s.stopReason(),
                s.exitCode().isPresent() ? s.exitCode().getAsInt() : null,
                s.lastOomAt().map(at -> new OutOfMemory(at, s.lastOomTask().orElse(""))).orElse(null));
    }
}
