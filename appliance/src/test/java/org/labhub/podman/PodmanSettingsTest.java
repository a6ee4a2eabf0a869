package org.labhub.podman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.labhub.config.ConfigException;
import org.labhub.config.ConfigLoader;
import org.labhub.config.LabhubConfig;

class PodmanSettingsTest {

    private static LabhubConfig.Podman load(Map<String, String> settings) {
        return new ConfigLoader().load(Optional.empty(), Map.of(), settings).podman();
    }

    @Test
    void byDefaultLabhubRunsItsOwnServiceWithRunc() {
        assertThat(load(Map.of())).isEqualTo(new LabhubConfig.Podman(Optional.empty(), "runc"));
    }

    @Test
    void aSocketMayBeGivenAsAPathOrAsPodmanPrintsIt() {
        assertThat(load(Map.of("podman.socket", "/run/podman/podman.sock")).socket()).contains(Path.of("/run/podman/podman.sock"));
        assertThat(load(Map.of("podman.socket", "unix:///run/podman/podman.sock")).socket()).contains(Path.of("/run/podman/podman.sock"));
        assertThat(new ConfigLoader().load(Optional.empty(), Map.of("LABHUB_PODMAN_RUNTIME", ""), Map.of()).podman().runtime()).isEmpty();
    }

    @Test
    void aRelativeSocketIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> load(Map.of("podman.socket", "podman.sock")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("podman.socket: expected an absolute path");
    }
}
