package org.labhub.podman;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real Podman service for the podman tests, owned by the tests (its own socket under /tmp), plus a tiny
 * image made from Debian's static busybox. Everything the tests create carries the label {@value #LABEL} and is
 * removed at the end of the run (and at the start, in case a killed run left some). Podman missing = failure.
 */
public final class TestPodman implements BeforeAllCallback {
    /** Every container and image the tests create carries this label. */
    public static final String LABEL = "labhub-test";
    public static final String IMAGE = "localhost/labhub-test/busybox:1";
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    private static Shared shared;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        synchronized (TestPodman.class) {
            if (shared == null) {
                shared = new Shared();
                context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).put(TestPodman.class.getName(), shared);
            }
        }
    }

    public static PodmanClient client() {
        return shared.service.client();
    }

    /**
     * The test image's name, after building it again if it is gone: another test run on this host removes every
     * image carrying {@value #LABEL} when it starts and ends, including the one this run built.
     */
    public static synchronized String image() {
        if (!client().images().exists(IMAGE)) {
            try {
                shared.buildImage();
            } catch (Exception e) {
                throw new IllegalStateException("cannot build the test image again", e);
            }
        }
        return IMAGE;
    }

    /** A spec for the test image with the test label and the hardened defaults. */
    public static ContainerSpec.Builder spec(String... command) {
        return ContainerSpec.builder(IMAGE).label(LABEL, "1").command(command);
    }

    /** Removes every container the tests created; the image stays for the next test. */
    public static void removeTestContainers() {
        removeContainers(client());
    }

    private static void removeContainers(PodmanClient client) {
        for (ContainerSummary c : client.containers().listByLabel(LABEL)) {
            try {
                client.containers().remove(c.id(), true);
            } catch (PodmanException.NotFound gone) {
                // removed meanwhile
            }
        }
    }

    /** Runs a command, failing with its output if it fails. */
    public static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    private static final class Shared implements ExtensionContext.Store.CloseableResource {
        private final Path dir;
        private final PodmanService service;

        Shared() throws Exception {
            dir = Files.createTempDirectory("labhub-podman-test");
            service = PodmanService.start(Optional.empty(), dir.resolve("run/podman.sock"), "runc");
            if (!service.awaitReady(Duration.ofSeconds(20))) {
                service.close();
                throw new IllegalStateException("the test Podman service did not answer: " + service.health()
                        + " (these tests need Podman 4.3 and runc: provisioning/host-setup.sh)");
            }
            removeLeftovers();
            buildImage();
        }

        /** A root file system with busybox and a few applet links, imported as {@value #IMAGE}. */
        private void buildImage() throws Exception {
            if (!Files.isExecutable(BUSYBOX)) {
                run("apt-get", "install", "-y", "busybox-static");
            }
            Path build = Files.createTempDirectory(dir, "image");
            Path rootfs = Files.createDirectories(build.resolve("rootfs"));
            Files.createDirectories(rootfs.resolve("bin"));
            Files.createDirectories(rootfs.resolve("tmp"));
            Files.createDirectories(rootfs.resolve("etc"));
            Files.copy(BUSYBOX, rootfs.resolve("bin/busybox"));
            for (String applet : List.of("sh", "sleep", "cat", "echo", "dd", "head", "id", "true", "ls", "grep", "touch")) {
                Files.createSymbolicLink(rootfs.resolve("bin").resolve(applet), Path.of("busybox"));
            }
            run("chmod", "1777", rootfs.resolve("tmp").toString()); // runc gives a tmpfs on /tmp this mode
            Path tar = build.resolve("busybox-rootfs.tar");
            run("tar", "-C", rootfs.toString(), "-cf", tar.toString(), ".");
            run("podman", "import", "--change", "LABEL " + LABEL + "=1", tar.toString(), IMAGE);
        }

        private void removeLeftovers() {
            removeContainers(service.client());
            List<String> images = new ArrayList<>();
            for (ImageInfo i : service.client().images().list()) {
                if (i.labels().containsKey(LABEL)) {
                    images.add(i.id());
                }
            }
            images.forEach(id -> service.client().images().remove(id, true));
        }

        @Override
        public void close() throws Exception {
            try {
                removeLeftovers();
            } finally {
                service.close();
                run("rm", "-rf", dir.toString());
            }
        }
    }
}
