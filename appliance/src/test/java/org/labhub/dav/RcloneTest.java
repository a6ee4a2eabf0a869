package org.labhub.dav;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.labhub.testing.TestHub;

/** rclone, a real sync client, copies a tree of odd names up to /dav/ and back down with identical bytes. */
class RcloneTest {
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
    void aTreeOfOddNamesSyncsUpAndDownWithIdenticalChecksums(@TempDir Path tmp) throws Exception {
        Path rclone = DavClients.require("rclone");
        Path up = Files.createDirectories(tmp.resolve("up"));
        Files.createDirectories(up.resolve("strängé/nested/deeper"));
        Files.writeString(up.resolve("strängé/file #2.txt"), "hash and umlaut\n");
        Files.createDirectories(up.resolve("नेपाली"));
        Files.writeString(up.resolve("नेपाली/नेपाली.txt"), "देवनागरी\n");
        Files.writeString(up.resolve("strängé/nested/deeper/deep.txt"), "deep\n");
        String longName = "é".repeat(125) + "-long.txt"; // 250 + 9 = 259? trimmed below to 255 bytes
        while (longName.getBytes(StandardCharsets.UTF_8).length > 255) {
            longName = longName.substring(1);
        }
        assertThat(longName.getBytes(StandardCharsets.UTF_8).length).isBetween(254, 255);
        Files.writeString(up.resolve(longName), "a long name\n");
        byte[] big = new byte[5 * 1024 * 1024];
        new Random(5).nextBytes(big);
        Files.write(up.resolve("big.bin"), big);
        Files.write(up.resolve("empty.txt"), new byte[0]);

        Path config = Files.writeString(tmp.resolve("rclone.conf"), "");
        String pass = DavClients.run(List.of(rclone.toString(), "--config", config.toString(), "obscure", alice.token), Map.of(), null, 30)
                .output().trim();
        String remote = ":webdav,url='" + alice.url() + "sync',vendor=other,user=alice,pass=" + pass + ":";
        Path down = tmp.resolve("down");

        // rclone takes the remote's root as given (its webdav backend never creates it), as with any server
        assertThat(alice.call("MKCOL", "/dav/alice/sync").statusCode()).isEqualTo(201);
        DavClients.Result copy = rclone(rclone, config, "copy", up.toString(), remote);
        assertThat(copy.status()).as("rclone copy up:\n%s", copy.output()).isZero();
        DavClients.Result sync = rclone(rclone, config, "sync", remote, down.toString());
        assertThat(sync.status()).as("rclone sync down:\n%s", sync.output()).isZero();

        assertThat(checksums(down)).as("the tree that came back down").isEqualTo(checksums(up));
        assertThat(checksums(alice.home().resolve("sync"))).as("the tree in alice's home").isEqualTo(checksums(up));
        DavClients.Result check = rclone(rclone, config, "check", "--download", up.toString(), remote);
        assertThat(check.status()).as("rclone check --download:\n%s", check.output()).isZero();
    }

    private static DavClients.Result rclone(Path rclone, Path config, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(rclone.toString(), "--config", config.toString(), "--low-level-retries", "1",
                "--retries", "1"));
        cmd.addAll(List.of(args));
        return DavClients.run(cmd, Map.of(), null, 120);
    }

    /** The sha256 of every file, by its path relative to {@code root}. */
    private static Map<String, String> checksums(Path root) throws Exception {
        Map<String, String> sums = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                sums.put(root.relativize(p).toString(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        }
        return sums;
    }
}
