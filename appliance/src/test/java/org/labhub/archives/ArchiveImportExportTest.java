package org.labhub.archives;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.audit.AuditLog;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;

/**
 * Archives through the real hub without running anything: verified reads and the scrub catch a flipped byte,
 * export → import into a fresh hub gives the same archive, malicious uploads are refused with a clear message
 * and leave nothing behind, and only the owner and admins (or anyone, once public) see an archive.
 */
class ArchiveImportExportTest {
    static TestHub hub;
    static HubClient alice;
    static HubClient bob;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.start();
        alice = hub.user("alice", "alice-password-1");
        bob = hub.user("bob", "bob-password-1");
    }

    @AfterAll
    static void stop() throws Exception {
        hub.close();
    }

    /** An archive of alice's written directly (as Preserve does after a run), with a 2 MiB payload file for streaming. */
    static Archive archive(TestHub t, String owner, String marker) throws IOException {
        ArchiveStore store = new ArchiveStore(t.hub().catalog().jdbi(), t.dataRoot().resolve("archives"));
        Path staging = store.newStaging();
        Files.createDirectories(staging.resolve("data/inputs"));
        Files.createDirectories(staging.resolve("data/outputs"));
        String nb = "{\"cells\":[{\"cell_type\":\"code\",\"execution_count\":1,\"source\":\"print(" + marker + ")\",\"outputs\":"
                + "[{\"output_type\":\"stream\",\"name\":\"stdout\",\"text\":\"" + marker + "\\n\"}]}],\"metadata\":{},\"nbformat\":4,\"nbformat_minor\":5}";
        Files.writeString(staging.resolve("data/inputs/analysis.ipynb"), nb);
        Files.writeString(staging.resolve("data/outputs/analysis.ipynb"), nb);
        Files.write(staging.resolve("data/inputs/big.bin"), new byte[2 * 1024 * 1024 + 7]);
        Map<String, String> info = new LinkedHashMap<>();
        info.put("Source-Organization", "labhub");
        info.put("Labhub-Image-Id", "0123456789abcdef");
        Files.writeString(staging.resolve("data/ro-crate-metadata.json"), "{\"@context\":\"https://w3id.org/ro/crate/1.1/context\",\"@graph\":["
                + "{\"@id\":\"./\",\"@type\":\"Dataset\",\"name\":\"Test " + marker + "\",\"description\":\"d\",\"keywords\":\"k1, k2\"},"
                + "{\"@id\":\"#author-1\",\"@type\":\"Person\",\"name\":\"Ada Lovelace\"}]}");
        BagWriter.Written w = BagWriter.finish(staging, info, Instant.now());
        store.commit(staging, w.id());
        Archive a = new Archive(w.id(), owner, "Test " + marker, "d", List.of("Ada Lovelace"), "CC-BY-4.0", List.of("k1"), "minimal",
                "0123456789abcdef", "", true, false, false, Instant.now(), w.payloadBytes(), "ok", Optional.empty(), "");
        store.insert(a);
        return a;
    }

    static HttpResponse<byte[]> getBytes(HubClient c, String path) throws Exception {
        return c.getBytes(path);
    }

    static HubClient.Res upload(HubClient c, byte[] body) {
        return c.send(HttpRequest.newBuilder(URI.create(c.base() + "/api/archives/import"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)), Map.of("Content-Type", "application/x-tar", "X-CSRF-Token", c.csrf(), "Origin", c.base()));
    }

    @Test
    void theOwnerAndAdminsSeeAnArchiveOthersGet404UntilItIsPublic() throws Exception {
        Archive a = archive(hub, "alice", "visibility");
        assertThat(alice.api("GET", "/api/archives/" + a.id()).status()).isEqualTo(200);
        assertThat(hub.admin().api("GET", "/api/archives/" + a.id()).status()).isEqualTo(200);
        assertThat(bob.api("GET", "/api/archives/" + a.id()).status()).isEqualTo(404);
        assertThat(hub.client().get("/archives/" + a.id()).status()).isEqualTo(404);
        assertThat(bob.api("PATCH", "/api/archives/" + a.id(), "{\"public\":true}").status()).isEqualTo(404);
        alice.api("PATCH", "/api/archives/" + a.id(), "{\"public\":true}").expectStatus(200);
        assertThat(hub.client().get("/archives/" + a.id()).status()).isEqualTo(200);
        assertThat(bob.api("GET", "/api/archives/" + a.id()).status()).isEqualTo(200);
        assertThat(bob.api("PATCH", "/api/archives/" + a.id(), "{\"public\":false}").status()).isEqualTo(403);
    }

    @Test
    void aFlippedByteIsNeverServedAndIsReportedByReadAndScrub() throws Exception {
        Archive a = archive(hub, "alice", "tamper");
        HubClient admin = hub.admin();
        assertThat(alice.api("GET", "/api/archives/" + a.id() + "/files/data/inputs/analysis.ipynb").body()).contains("tamper");
        assertThat(getBytes(alice, "/api/archives/" + a.id() + "/files/data/inputs/big.bin").body()).hasSize(2 * 1024 * 1024 + 7);
        Path bag = hub.dataRoot().resolve("archives").resolve(a.id());
        flip(bag.resolve("data/inputs/analysis.ipynb"), 10);
        HubClient.Res small = alice.api("GET", "/api/archives/" + a.id() + "/files/data/inputs/analysis.ipynb");
        assertThat(small.status()).isEqualTo(500);
        assertThat(small.body()).contains("damaged").doesNotContain("\"cells\"");
        assertThat(alice.api("GET", "/api/archives/" + a.id()).json("state")).isEqualTo("damaged");
        assertThat(new AuditLog(hub.hub().catalog().jdbi(), java.time.Clock.systemUTC()).recent(50, 0, Optional.of("archive.damaged")))
                .anyMatch(e -> e.target().equals(a.id()));

        // A large file is streamed while hashed: the transfer breaks at the end instead of completing a bad copy.
        Archive b = archive(hub, "alice", "tamper-large");
        flip(hub.dataRoot().resolve("archives").resolve(b.id()).resolve("data/inputs/big.bin"), 1024 * 1024 + 3);
        boolean broken;
        try {
            HttpResponse<byte[]> r = getBytes(alice, "/api/archives/" + b.id() + "/files/data/inputs/big.bin");
            broken = r.body().length != 2 * 1024 * 1024 + 7;
        } catch (IOException e) {
            broken = true;
        }
        assertThat(broken).as("a large tampered file must not arrive complete").isTrue();
        assertThat(alice.api("GET", "/api/archives/" + b.id()).json("state")).isEqualTo("damaged");

        Archive c = archive(hub, "alice", "tamper-scrub");
        flip(hub.dataRoot().resolve("archives").resolve(c.id()).resolve("data/outputs/analysis.ipynb"), 5);
        HubClient.Res scrub = admin.api("POST", "/api/archives/scrub", "{}").expectStatus(200);
        assertThat(scrub.body()).contains(c.id()).contains("checksum mismatch: data/outputs/analysis.ipynb");
        assertThat(alice.api("GET", "/api/archives/" + c.id()).json("state")).isEqualTo("damaged");
        assertThat(alice.get("/archives/" + c.id()).body()).contains("This archive is damaged");
    }

    static void flip(Path f, int at) throws IOException {
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        byte[] bytes = Files.readAllBytes(f);
        bytes[at] ^= 1;
        Files.write(f, bytes);
    }

    @Test
    void anExportImportsIntoAFreshHubAsTheSameArchive() throws Exception {
        Archive a = archive(hub, "alice", "roundtrip");
        HttpResponse<byte[]> tar = getBytes(alice, "/api/archives/" + a.id() + "/export");
        assertThat(tar.statusCode()).isEqualTo(200);
        try (TestHub fresh = TestHub.start()) {
            HubClient carol = fresh.user("carol", "carol-password-1");
            HubClient.Res r = upload(carol, tar.body());
            assertThat(r.status()).as(r.body()).isEqualTo(201);
            assertThat(r.json("id")).isEqualTo(a.id());
            assertThat(r.json("title")).isEqualTo("Test roundtrip");
            assertThat(carol.api("GET", "/api/archives/" + a.id() + "/files/data/inputs/analysis.ipynb").body()).contains("roundtrip");
            assertThat(BagCheck.problems(fresh.dataRoot().resolve("archives").resolve(a.id()))).isEmpty();
            assertThat(upload(carol, tar.body()).status()).as("importing it twice").isEqualTo(409);
            assertThat(staging(fresh)).isEmpty();
        }
    }

    static List<Path> staging(TestHub t) throws IOException {
        Path s = t.dataRoot().resolve("archives/.staging");
        if (!Files.exists(s)) {
            return List.of();
        }
        try (var l = Files.list(s)) {
            return l.toList();
        }
    }

    interface TarBody {
        void write(TarArchiveOutputStream tar) throws IOException;
    }

    static byte[] tar(TarBody body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            body.write(tar);
        }
        return out.toByteArray();
    }

    static void file(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        e.setSize(content.length);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    static final String ID = "abcdefghijklmnopqrstuvwxyz";

    void refused(byte[] upload, int status, String message) throws IOException {
        HubClient.Res r = upload(alice, upload);
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json("message")).contains(message);
        assertThat(staging(hub)).as("staging cleaned").isEmpty();
        assertThat(hub.dataRoot().resolve("escaped")).doesNotExist();
        assertThat(Path.of("/tmp/labhub-escaped")).doesNotExist();
    }

    @Test
    void maliciousArchivesAreRefusedWithAClearMessageAndLeaveNothingBehind() throws Exception {
        refused(tar(t -> file(t, ID + "/../../escaped", "x".getBytes())), 400, "climbs out with ..");
        refused(tar(t -> file(t, "/tmp/labhub-escaped", "x".getBytes())), 400, "absolute path");
        refused(tar(t -> file(t, ID + "/data\\..\\x", "x".getBytes())), 400, "backslash");
        refused(tar(t -> {
            file(t, ID + "/bagit.txt", "a".getBytes());
            file(t, ID + "/bagit.txt", "b".getBytes());
        }), 400, "appears twice");
        refused(tar(t -> {
            TarArchiveEntry e = new TarArchiveEntry(ID + "/data/link", TarConstants.LF_SYMLINK);
            e.setLinkName("/etc/passwd");
            t.putArchiveEntry(e);
            t.closeArchiveEntry();
        }), 400, "symbolic link");
        refused(tar(t -> {
            TarArchiveEntry e = new TarArchiveEntry(ID + "/data/hard", TarConstants.LF_LINK);
            e.setLinkName("/etc/shadow");
            t.putArchiveEntry(e);
            t.closeArchiveEntry();
        }), 400, "hard link");
        refused(tar(t -> {
            TarArchiveEntry e = new TarArchiveEntry(ID + "/data/dev", TarConstants.LF_CHR);
            t.putArchiveEntry(e);
            t.closeArchiveEntry();
        }), 400, "device");
        // 10 GB of hole: commons-compress refuses its sparse map while reading the header. (A small pax-1.0 sparse entry
        // is expanded by commons-compress and counted at its real size against the limits; old-GNU sparse is refused by type.)
        refused(sparse(10L * 1024 * 1024 * 1024), 400, "not a readable tar archive");
        refused(declaresTenGigabytes(), 400, "more than the whole upload");
        refused(bomb(), 413, "compression bomb");
        refused(tar(t -> file(t, ID + "/data/x", "x".getBytes())), 422, "not a valid bag");
        refused(tar(t -> file(t, "notanid/bagit.txt", "x".getBytes())), 400, "is not an archive id");
        refused("definitely not a tar archive, just some text that is long enough to fill a header block".repeat(10)
                .getBytes(StandardCharsets.UTF_8), 400, "refused");
    }

    /** One header declaring a 7 GB regular file (the most a plain ustar size field holds), then nothing: the bytes are not there. */
    static byte[] declaresTenGigabytes() {
        TarArchiveEntry e = new TarArchiveEntry(ID + "/data/huge", true);
        e.setSize(7L * 1024 * 1024 * 1024);
        byte[] out = new byte[512 * 4];
        e.writeEntryHeader(out);
        return out;
    }

    /** A sparse entry (GNU tar, pax format) declaring {@code hole} bytes with almost no data. */
    static byte[] sparse(long hole) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("sparse");
        Path f = dir.resolve(ID + "/data/sparse.bin");
        Files.createDirectories(f.getParent());
        try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap("end".getBytes()), hole);
        }
        Path out = dir.resolve("sparse.tar");
        Process p = new ProcessBuilder("tar", "--sparse", "--format=posix", "-C", dir.toString(), "-cf", out.toString(), ID).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(log).isZero();
        byte[] bytes = Files.readAllBytes(out);
        assertThat(bytes.length).isLessThan(1024 * 1024);
        return bytes;
    }

    /** A gzipped tar whose one entry unpacks from a few hundred kilobytes to a gigabyte of zeros. */
    static byte[] bomb() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out); TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
            TarArchiveEntry e = new TarArchiveEntry(ID + "/data/zeros", true);
            long size = 1024L * 1024 * 1024;
            e.setSize(size);
            tar.putArchiveEntry(e);
            byte[] zeros = new byte[1024 * 1024];
            for (long n = 0; n < size; n += zeros.length) {
                tar.write(zeros);
            }
            tar.closeArchiveEntry();
        }
        return out.toByteArray();
    }
}
