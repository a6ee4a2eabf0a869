package org.labhub.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.labhub.files.FileApiClient.enc;
import static org.labhub.files.FileApiClient.text;
import static org.labhub.files.FileApiClient.tree;
import static org.labhub.files.FilesApiTest.names;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;

/** "Extract here" against a real hub: odd names round-trip, hostile zips are refused by name, and nothing half-unpacked ever remains. */
class ZipExtractTest {
    static final long QUOTA = 2L * 1024 * 1024;
    static TestHub hub;
    static HubClient admin;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.start(Map.of("storage.default_quota", "2m"));
        admin = hub.admin();
    }

    @AfterAll
    static void stop() throws Exception {
        hub.close();
    }

    static FileApiClient as(String user) {
        if (admin.api("GET", "/api/users/" + user).status() == 404) {
            admin.api("POST", "/api/users/" + user, "{\"password\":\"" + user + "-password-1\"}").expectStatus(201);
        }
        String token = admin.api("POST", "/api/users/" + user + "/tokens", "{\"scopes\":[\"read\",\"files\"]}").expectStatus(201).json("token");
        return new FileApiClient(hub.baseUrl(), token);
    }

    static void expect(HttpResponse<byte[]> r, int status) {
        assertThat(r.statusCode()).as(r.request().method() + " " + r.uri() + " → " + text(r)).isEqualTo(status);
    }

    static HttpResponse<byte[]> extract(FileApiClient c, String zipPath, String to) {
        return c.json("POST", "/api/files/" + enc(zipPath), to == null ? "{\"action\":\"extract\"}" : "{\"action\":\"extract\",\"to\":\"" + to + "\"}");
    }

    /** A zip of the given entries (a name ending in "/" is a folder), built with commons-compress so hostile entries can be made. */
    static byte[] zip(Map<String, byte[]> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putArchiveEntry(new ZipArchiveEntry(e.getKey()));
                z.write(e.getValue());
                z.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static Map<String, byte[]> entries(Object... nameThenBytes) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (int i = 0; i < nameThenBytes.length; i += 2) {
            m.put((String) nameThenBytes[i], (byte[]) nameThenBytes[i + 1]);
        }
        return m;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Lines drawn from a few dozen: deflates 5-90:1, so a small zip passes a quota without looking like a bomb. */
    static byte[] compressible(int size, long seed) {
        Random r = new Random(seed);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            lines.add("sample " + i + ", temperature " + r.nextInt(400) + " K, pressure " + r.nextInt(2000) + " hPa\n");
        }
        StringBuilder b = new StringBuilder(size + 64);
        while (b.length() < size) {
            b.append(lines.get(r.nextInt(lines.size())));
        }
        return Arrays.copyOf(bytes(b.toString()), size);
    }

    static Path home(String user) {
        return hub.dataRoot().resolve("homes").resolve(user);
    }

    static void assertNothingLeft(String user, String... onlyThese) throws IOException {
        try (Stream<Path> s = Files.list(home(user))) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactlyInAnyOrder(onlyThese);
        }
        try (Stream<Path> s = Files.list(hub.dataRoot().resolve("staging"))) {
            assertThat(s.toList()).as("staging after a refusal").isEmpty();
        }
    }

    @Test
    void aZipWithOddNamesRoundTripsByteForByteIntoAFolderNamedAfterIt() throws IOException {
        FileApiClient alice = as("alice");
        String longName = "é".repeat(125) + "a.txt"; // 255 UTF-8 bytes: the longest name Linux takes
        assertThat(longName.getBytes(StandardCharsets.UTF_8)).hasSize(255);
        byte[] random = new byte[300_000];
        new Random(7).nextBytes(random);
        Map<String, byte[]> content = entries(
                "strängé/inside.txt", bytes("umlauts"),
                "file #2.txt", bytes("hash and space"),
                "नेपाली/पाठ.txt", bytes("devanagari"),
                longName, bytes("long"),
                "a/b/c/d/deep.bin", random,
                "empty/", new byte[0]);
        expect(alice.put("/api/files/alice/data.zip", zip(content)), 201);

        HttpResponse<byte[]> done = extract(alice, "alice/data.zip", null);
        expect(done, 201);
        assertThat(tree(done).path("path").asString()).isEqualTo("alice/data");
        assertThat(tree(done).path("files").asInt()).isEqualTo(5);
        assertThat(tree(done).path("folders").asInt()).as("strängé, नेपाली, a, a/b, a/b/c, a/b/c/d, empty").isEqualTo(7);
        assertThat(tree(done).path("bytes").asLong()).isEqualTo(content.values().stream().mapToLong(b -> b.length).sum());
        for (Map.Entry<String, byte[]> e : content.entrySet()) {
            if (!e.getKey().endsWith("/")) {
                HttpResponse<byte[]> got = alice.get("/api/files/alice/data/" + enc(e.getKey()));
                expect(got, 200);
                assertThat(got.body()).as(e.getKey()).isEqualTo(e.getValue());
            }
        }
        assertThat(names(alice.get("/api/files/alice/data"))).containsExactlyInAnyOrder(
                "a", "empty", "strängé", "नेपाली", "file #2.txt", longName);

        // Again: the name is taken, so a numbered one; into an existing folder: a new folder inside it; a new name: that name.
        assertThat(tree(extract(alice, "alice/data.zip", null)).path("path").asString()).isEqualTo("alice/data (2)");
        assertThat(tree(extract(alice, "alice/data.zip", "alice/data")).path("path").asString()).isEqualTo("alice/data/data");
        assertThat(tree(extract(alice, "alice/data.zip", "alice/fresh")).path("path").asString()).isEqualTo("alice/fresh");
        expect(alice.get("/api/files/alice/fresh/" + enc("file #2.txt")), 200);
        // A file in the way is refused; so is extracting what is not a zip.
        HttpResponse<byte[]> onFile = extract(alice, "alice/data.zip", "alice/data/file #2.txt");
        expect(onFile, 409);
        expect(alice.put("/api/files/alice/notes.zip", bytes("not a zip at all")), 201);
        HttpResponse<byte[]> notZip = extract(alice, "alice/notes.zip", null);
        expect(notZip, 422);
        assertThat(text(notZip)).contains("not a zip");
        assertThat(names(alice.get("/api/files/alice/"))).doesNotContain("notes");
    }

    @Test
    void twoThousandSmallFilesInTwentyFoldersAllArriveAndTheTimeIsPrinted() throws IOException {
        FileApiClient ivy = as("ivy");
        Map<String, byte[]> many = new LinkedHashMap<>();
        for (int i = 0; i < 2000; i++) {
            many.put("part-" + (i % 20) + "/file-" + i + ".txt", bytes("row " + i + "\n"));
        }
        expect(ivy.put("/api/files/ivy/many.zip", zip(many)), 201);
        long start = System.nanoTime();
        HttpResponse<byte[]> r = extract(ivy, "ivy/many.zip", null);
        long millis = (System.nanoTime() - start) / 1_000_000;
        expect(r, 201);
        System.out.println("ZipExtractTest: 2,000 files in 20 folders extracted in " + millis + " ms");
        assertThat(tree(r).path("files").asInt()).isEqualTo(2000);
        assertThat(tree(r).path("folders").asInt()).isEqualTo(20);
        try (Stream<Path> s = Files.walk(home("ivy").resolve("many"))) {
            assertThat(s.filter(Files::isRegularFile).count()).isEqualTo(2000);
        }
        assertThat(Files.readString(home("ivy").resolve("many/part-7/file-1987.txt"))).isEqualTo("row 1987\n");
    }

    @Test
    void aSmallZipThatExpandsBeyondTheQuotaIs507WithTheNumbersAndLeavesNothing() throws IOException {
        FileApiClient erin = as("erin");
        byte[] big = compressible(3 * 1024 * 1024, 1);
        byte[] z = zip(entries("big.txt", big));
        assertThat(z.length).as("the zip itself is small, but no bomb").isLessThan(big.length / 5).isGreaterThan(big.length / 90);
        expect(erin.put("/api/files/erin/big.zip", z), 201);
        HttpResponse<byte[]> r = extract(erin, "erin/big.zip", null);
        expect(r, 507);
        assertThat(text(r)).contains(Long.toString(big.length)).contains("quota " + QUOTA);
        assertNothingLeft("erin", "big.zip");
    }

    @Test
    void declaredSizesThatLieAreCaughtByCountingTheInflatedBytes() throws IOException {
        FileApiClient fay = as("fay");
        byte[] big = compressible(3 * 1024 * 1024, 2);
        expect(fay.put("/api/files/fay/liar.zip", declareSize(zip(entries("liar.txt", big)), 10)), 201);
        HttpResponse<byte[]> r = extract(fay, "fay/liar.zip", null);
        expect(r, 507); // the directory says 10 bytes; the quota stops the real 3 MiB
        assertNothingLeft("fay", "liar.zip");

        // A lie that fits the quota is still a damaged zip: refused, naming the entry.
        expect(fay.put("/api/files/fay/small-liar.zip", declareSize(zip(entries("small.txt", compressible(50_000, 3))), 10)), 201);
        HttpResponse<byte[]> small = extract(fay, "fay/small-liar.zip", null);
        expect(small, 422);
        assertThat(text(small)).contains("small.txt").contains("declares 10");
        assertNothingLeft("fay", "liar.zip", "small-liar.zip");
    }

    /** Rewrites every entry's uncompressed size in the local headers and the central directory. */
    static byte[] declareSize(byte[] zip, int size) {
        byte[] z = zip.clone();
        for (int i = 0; i + 30 < z.length; i++) {
            if (z[i] == 'P' && z[i + 1] == 'K' && z[i + 2] == 3 && z[i + 3] == 4) {
                putInt(z, i + 22, size);
            } else if (z[i] == 'P' && z[i + 1] == 'K' && z[i + 2] == 1 && z[i + 3] == 2) {
                putInt(z, i + 24, size);
            }
        }
        return z;
    }

    static void putInt(byte[] z, int at, int v) {
        for (int k = 0; k < 4; k++) {
            z[at + k] = (byte) (v >>> (8 * k));
        }
    }

    @Test
    void hostileEntriesAreRefusedByNameAndNothingIsWrittenAnywhere() throws IOException {
        FileApiClient gus = as("gus");
        Map<String, byte[]> hostile = new LinkedHashMap<>();
        hostile.put("../evil", zip(entries("ok.txt", bytes("fine"), "../evil", bytes("escaped"))));
        hostile.put("/etc/x", zip(entries("/etc/x", bytes("absolute"))));
        hostile.put("..\\evil", jdkZip("..\\evil")); // commons-compress would turn this "\\" into "/" when writing
        hostile.put("link", symlinkZip());
        hostile.put("twice.txt", duplicateZip());
        int n = 0;
        for (Map.Entry<String, byte[]> h : hostile.entrySet()) {
            String zipName = "hostile-" + (++n) + ".zip";
            expect(gus.put("/api/files/gus/" + zipName, h.getValue()), 201);
            HttpResponse<byte[]> r = extract(gus, "gus/" + zipName, null);
            expect(r, 422);
            assertThat(tree(r).path("message").asString()).as(zipName).contains("\"" + h.getKey() + "\"");
            gus.json("DELETE", "/api/files/gus/" + zipName, null);
            assertNothingLeft("gus");
        }
        // "/" written overlong (C0 AF) under the UTF-8 flag: refused as invalid UTF-8, never read as a separator.
        expect(gus.put("/api/files/gus/overlong.zip", overlong(jdkZip("..xxevil"))), 201);
        HttpResponse<byte[]> r = extract(gus, "gus/overlong.zip", null);
        expect(r, 422);
        assertThat(tree(r).path("message").asString()).contains("not valid UTF-8");
        gus.json("DELETE", "/api/files/gus/overlong.zip", null);
        assertNothingLeft("gus");
        assertThat(Files.exists(hub.dataRoot().resolve("homes").resolve("evil"))).isFalse();
        assertThat(Files.exists(hub.dataRoot().resolve("evil"))).isFalse();
        try (Stream<Path> all = Files.walk(hub.dataRoot().resolve("homes"))) {
            assertThat(all.filter(p -> p.getFileName().toString().contains("evil")).toList()).isEmpty();
        }
    }

    /** A zip written by the JDK, which keeps a name's bytes as given. */
    static byte[] jdkZip(String name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(out)) {
            z.putNextEntry(new java.util.zip.ZipEntry(name));
            z.write(bytes("windows traversal"));
            z.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Replaces the bytes "xx" in every copy of the name with C0 AF, an overlong "/". */
    static byte[] overlong(byte[] zip) {
        byte[] z = zip.clone();
        for (int i = 0; i + 1 < z.length; i++) {
            if (z[i] == 'x' && z[i + 1] == 'x') {
                z[i] = (byte) 0xC0;
                z[i + 1] = (byte) 0xAF;
            }
        }
        return z;
    }

    static byte[] symlinkZip() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(out)) {
            ZipArchiveEntry e = new ZipArchiveEntry("link");
            e.setUnixMode(0120777);
            z.putArchiveEntry(e);
            z.write(bytes("/etc/passwd"));
            z.closeArchiveEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] duplicateZip() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(out)) {
            for (String text : List.of("first", "second")) {
                z.putArchiveEntry(new ZipArchiveEntry("twice.txt"));
                z.write(bytes(text));
                z.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Test
    void aGigabyteOfZerosIsRefusedAsABombNamingTheEntry() throws IOException {
        FileApiClient hal = as("hal");
        Path bomb = Files.createTempFile("bomb", ".zip");
        try {
            try (OutputStream file = Files.newOutputStream(bomb); ZipArchiveOutputStream z = new ZipArchiveOutputStream(file)) {
                z.putArchiveEntry(new ZipArchiveEntry("zeros.bin"));
                byte[] zeros = new byte[1024 * 1024];
                for (int i = 0; i < 1024; i++) {
                    z.write(zeros);
                }
                z.closeArchiveEntry();
            }
            assertThat(Files.size(bomb)).as("a gigabyte deflates to about a megabyte").isLessThan(QUOTA / 2);
            expect(hal.put("/api/files/hal/bomb.zip", Files.readAllBytes(bomb)), 201);
        } finally {
            Files.delete(bomb);
        }
        HttpResponse<byte[]> r = extract(hal, "hal/bomb.zip", null);
        expect(r, 422);
        assertThat(tree(r).path("message").asString()).contains("\"zeros.bin\"").contains("bomb");
        assertNothingLeft("hal", "bomb.zip");
    }

    @Test
    void extractingNeedsReadOnTheZipAndCreateWhereTheFolderLands() throws IOException {
        FileApiClient ann = as("ann");
        FileApiClient bob = as("bob");
        expect(ann.json("POST", "/api/files/ann/data", "{\"action\":\"mkdir\"}"), 201);
        expect(ann.json("POST", "/api/files/ann/drop", "{\"action\":\"mkdir\"}"), 201);
        expect(ann.put("/api/files/ann/data/x.zip", zip(entries("x.txt", bytes("from ann")))), 201);
        expect(ann.put("/api/files/ann/private.zip", zip(entries("p.txt", bytes("private")))), 201);
        expect(ann.json("POST", "/api/shares", "{\"path\":\"data\",\"kind\":\"user\",\"with\":\"bob\",\"permissions\":\"read\"}"), 201);
        expect(ann.json("POST", "/api/shares", "{\"path\":\"drop\",\"kind\":\"user\",\"with\":\"bob\",\"permissions\":[\"read\",\"create\"]}"), 201);

        // Read-only share: bob may read the zip but not create next to it or anywhere in the share.
        HttpResponse<byte[]> here = extract(bob, "ann/data/x.zip", null);
        expect(here, 403);
        expect(extract(bob, "bob/shared/ann/data/x.zip", null), 403);
        expect(extract(bob, "ann/data/x.zip", "ann/data/out"), 403);
        // Not shared at all: it does not exist for bob.
        expect(extract(bob, "ann/private.zip", "bob/p"), 404);
        expect(extract(bob, "ann/data/x.zip", "ann/elsewhere"), 404);
        // Into his own home, or a folder shared with create: fine, counted against the owner there.
        expect(extract(bob, "ann/data/x.zip", "bob/mine"), 201);
        assertThat(text(bob.get("/api/files/bob/mine/x.txt"))).isEqualTo("from ann");
        expect(extract(bob, "ann/data/x.zip", "ann/drop"), 201);
        assertThat(Files.readString(home("ann").resolve("drop/x/x.txt"))).isEqualTo("from ann");
        assertThat(names(ann.get("/api/files/ann/data"))).containsExactly("x.zip");
    }
}
