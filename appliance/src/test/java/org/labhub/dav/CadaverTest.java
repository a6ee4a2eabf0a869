package org.labhub.dav;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.labhub.testing.TestHub;

/** cadaver, the command-line WebDAV client, runs a scripted session against /dav/ without a failed command. */
class CadaverTest {
    static TestHub hub;
    static DavSetup alice;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.start();
        alice = DavSetup.user(hub, "alice");
    }

    @AfterAll
    static void stop() throws Exception {
        hub.close();
    }

    @Test
    void aScriptedSessionMakesAFolderAndPutsLocksGetsMovesAndDeletesAFile(@TempDir Path tmp) throws Exception {
        Path cadaver = DavClients.require("cadaver");
        Path netrc = Files.writeString(tmp.resolve(".netrc"), "machine 127.0.0.1 login alice password " + alice.token + "\n");
        Files.setPosixFilePermissions(netrc, PosixFilePermissions.fromString("rw-------"));
        Path local = Files.writeString(tmp.resolve("f.txt"), "from cadaver\n");
        Path out = tmp.resolve("out.txt");
        String script = String.join("\n", "mkcol d", "cd d", "put " + local + " f.txt", "ls", "lock f.txt", "get f.txt " + out,
                "move f.txt g.txt", "ls", "delete g.txt", "quit", "");

        DavClients.Result r = DavClients.run(List.of(cadaver.toString(), alice.url()), Map.of("HOME", tmp.toString()), script, 60);

        assertThat(r.output()).as("cadaver's session:\n%s", r.output()).doesNotContainIgnoringCase("failed").contains("f.txt");
        assertThat(Files.readString(out)).isEqualTo("from cadaver\n");
        assertThat(alice.home().resolve("d")).isDirectory();
        try (var left = Files.list(alice.home().resolve("d"))) {
            assertThat(left.toList()).as("what the session left in d/").isEmpty();
        }
    }
}
