package org.labhub.spawner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.labhub.environments.Environment;
import org.labhub.environments.Profile;
import org.labhub.podman.ContainerSpec;
import org.labhub.storage.Homes;
import org.labhub.storage.HostIds;

/**
 * The container a server gets, as a spec (nothing is started here: the network rule keeps tests from starting a
 * container with a network; SpawnerTest checks the started container without one).
 */
class NotebookContainersTest {
    @TempDir
    Path data;

    private ContainerSpec spec(String network, String serverName) {
        NotebookContainers c = new NotebookContainers("abc123", data.resolve("run/users"), new Homes(data.resolve("homes")), "runc",
                Duration.ofSeconds(10));
        Environment env = new Environment(1, "python", "Python", "", "localhost/labhub/kernel-python:0123456789ab", "sha256:1", "",
                Environment.Source.RECIPE, true, network, "python", List.of(), Instant.now(), Instant.now());
        Profile profile = new Profile(1, "small", "Small", 1.5, 2L << 30, 512, true, 0, List.of(), Instant.now());
        Server server = new Server(7, 3, "alice", serverName, "python", "small", Server.State.STARTING, Optional.empty(),
                Optional.of("nonce"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), "", OptionalInt.empty(),
                Optional.empty(), Optional.empty());
        return c.spec(server, env, profile, "tok", List.of());
    }

    @Test
    void anEnvironmentWithoutNetworkGetsNoneAndOneAnAdminOpenedGetsItsMode() {
        assertThat(spec("none", "").networkMode()).isEqualTo("none");
        assertThat(spec("bridge", "").networkMode()).isEqualTo("bridge");
    }

    @Test
    void theSpecCarriesTheProfileTheUsersRangeAndTheServersFolders() {
        ContainerSpec s = spec("none", "analysis");
        assertThat(s.name()).isEqualTo("labhub-abc123-alice.analysis");
        assertThat(s.image()).isEqualTo("localhost/labhub/kernel-python:0123456789ab");
        assertThat(s.memoryBytes()).isEqualTo(2L << 30);
        assertThat(s.cpuQuota()).isEqualTo(150_000);
        assertThat(s.pidsLimit()).isEqualTo(512);
        assertThat(s.idMapping()).isEqualTo(new ContainerSpec.IdMapping(HostIds.base(3), HostIds.RANGE));
        assertThat(s.readOnlyRootfs()).isTrue();
        assertThat(s.capDrop()).containsExactly("ALL");
        assertThat(s.noNewPrivileges()).isTrue();
        assertThat(s.env()).containsEntry("LABHUB_BASE_URL", "/user/alice/analysis/").containsEntry("LABHUB_TOKEN", "tok")
                .containsEntry("LABHUB_SOCKET", "/run/labhub/notebook.sock");
        assertThat(s.mounts()).extracting(ContainerSpec.Mount::source)
                .contains(data.resolve("homes/alice").toString(), data.resolve("run/users/alice/analysis").toString());
        assertThat(s.labels()).containsEntry(NotebookContainers.LABEL_SERVER, "analysis").containsEntry(NotebookContainers.LABEL_HUB, "abc123");
    }
}
