package org.labhub.podman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SpecGenerator JSON a spec becomes; ContainersTest proves Podman reads these names as meant. */
class ContainerSpecTest {

    @Test
    void theDefaultsAreHardened() {
        Map<String, Object> json = ContainerSpec.builder("img").build().toSpecGenerator("runc");

        assertThat(json).containsEntry("image", "img")
                .containsEntry("netns", Map.of("nsmode", "none"))
                .containsEntry("read_only_filesystem", true)
                .containsEntry("cap_drop", List.of("ALL"))
                .containsEntry("no_new_privileges", true)
                .containsEntry("oci_runtime", "runc")
                .containsEntry("r_limits", List.of(Map.of("type", "nofile", "soft", 1024L, "hard", 1024L),
                        Map.of("type", "nproc", "soft", 4096L, "hard", 4096L)))
                .doesNotContainKeys("name", "userns", "resource_limits", "cap_add", "mounts", "stop_timeout");
    }

    @Test
    void everySettingLandsUnderItsSpecGeneratorName() {
        Map<String, Object> json = ContainerSpec.builder("img").name("nb-alice").command("python3", "-m", "notebook")
                .entrypoint("/usr/bin/tini", "--").env("HOME", "/home/jovyan").label("labhub.user", "alice")
                .user("1000:1000").workDir("/home/jovyan").hostname("alice").autoUserNamespace(65536)
                .mount(ContainerSpec.Mount.bind("/srv/homes/alice", "/home/jovyan", "U"))
                .mount(ContainerSpec.Mount.tmpfs("/tmp", 1024, "1777"))
                .memoryBytes(2048).cpus(1.5).pidsLimit(256).ociRuntime("crun").stopTimeoutSeconds(5)
                .build().toSpecGenerator("runc");

        assertThat(json).containsEntry("name", "nb-alice")
                .containsEntry("command", List.of("python3", "-m", "notebook"))
                .containsEntry("entrypoint", List.of("/usr/bin/tini", "--"))
                .containsEntry("env", Map.of("HOME", "/home/jovyan"))
                .containsEntry("labels", Map.of("labhub.user", "alice"))
                .containsEntry("user", "1000:1000")
                .containsEntry("work_dir", "/home/jovyan")
                .containsEntry("hostname", "alice")
                .containsEntry("userns", Map.of("nsmode", "auto"))
                .containsEntry("idmappings", Map.of("AutoUserNs", true, "AutoUserNsOpts", Map.of("Size", 65536)))
                .containsEntry("mounts", List.of(
                        Map.of("type", "bind", "source", "/srv/homes/alice", "destination", "/home/jovyan", "options", List.of("rbind", "U")),
                        Map.of("type", "tmpfs", "source", "tmpfs", "destination", "/tmp",
                                "options", List.of("size=1024", "mode=1777", "nosuid", "nodev", "notmpcopyup"))))
                .containsEntry("resource_limits", Map.of("memory", Map.of("limit", 2048L),
                        "cpu", Map.of("quota", 150_000L, "period", 100_000L), "pids", Map.of("limit", 256L)))
                .containsEntry("oci_runtime", "crun")
                .containsEntry("stop_timeout", 5);
    }

    @Test
    void aSpecNeedsAnImageAndAValidName() {
        assertThatThrownBy(() -> ContainerSpec.builder(" ").build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ContainerSpec.builder("img").name("-x").build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ContainerSpec.builder("img").name("a/b").build()).isInstanceOf(IllegalArgumentException.class);
    }
}
