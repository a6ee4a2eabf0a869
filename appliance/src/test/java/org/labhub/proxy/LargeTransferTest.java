package org.labhub.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.labhub.spawner.NotebookContainers;
import org.labhub.spawner.Notebooks;
import org.labhub.testing.ForkedJvm;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;
import org.labhub.web.Json;
import tools.jackson.databind.JsonNode;

/**
 * One GiB down and one GiB up through {@code /user/<name>/}, with the hub in a JVM whose heap could not hold even one
 * upload request: the proxy must stream bodies, and the hub's memory stays flat while it does.
 */
class LargeTransferTest {
    private static final long GIB = 1L << 30;
    /**
     * What one upload request carries, as the notebook UI's chunked upload does for big files: 128 MiB raw is
     * 179 MB of JSON (base64), under the notebook's 512 MB max_body_size and more than twice the hub's whole heap.
     */
    private static final int CHUNK = 128 << 20;
    /**
     * The hub's heap. The hub idles at about 22 MB live after start-up (GC log with -Xmx48m), so 64 MB is comfortable,
     * yet a proxy that buffered one 179 MB request body (or the 1 GiB download) would die of OutOfMemoryError, which
     * ExitOnOutOfMemoryError turns into a dead hub and failed transfers rather than a limping one.
     */
    private static final List<String> HUB_JVM = List.of("-Xmx64m", "-XX:+ExitOnOutOfMemoryError");
    /**
     * How much the hub's resident memory may grow above its level before the transfers (peak RSS during them, minus
     * RSS before). Measured: 3 MB (165 MB before, 168 MB peak). The bound leaves room for the heap to grow to its
     * 64 MB limit and for more buffers and threads on a loaded machine; a proxy that held one upload body outside the
     * heap (direct or native memory) would add at least 179 MB, and one that held the download 1 GiB.
     */
    private static final long MAX_RSS_GROWTH = 100L << 20;
    private static final Map<String, String> CHEAP_HASHING = Map.of(
            "LABHUB_AUTH_ARGON2_MEMORY_KIB", "1024", "LABHUB_AUTH_ARGON2_ITERATIONS", "1");
    private static final Pattern URL = Pattern.compile("labhub is serving (http://127\\.0\\.0\\.1:\\d+)");
    private static final String USER = "tessa";

    @TempDir
    Path root;

    @Test
    void aGibibyteGoesEachWayThroughTheProxyWhileTheHubsMemoryStaysFlat() throws Exception {
        String container = null;
        try (ForkedJvm hub = ForkedJvm.start(HUB_JVM, "org.labhub.Main", CHEAP_HASHING, "run", "--data", root.toString(), "--port", "0")) {
            hub.awaitStdout("labhub is serving", Duration.ofSeconds(120));
            Matcher m = URL.matcher(hub.stdout());
            assertThat(m.find()).as(hub.stdout()).isTrue();
            String base = m.group(1);
            try {
                String token = userWithRunningServer(base);
                container = containerOf(USER);
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(10)).build();
                Transfers t = new Transfers(http, base + "/user/" + USER, token);
                t.warmUp();

                resetPeak(hub.pid());
                long before = status(hub.pid(), "VmRSS");
                download(t, container);
                upload(t, container);
                long peak = status(hub.pid(), "VmHWM");
                long after = status(hub.pid(), "VmRSS");
                System.out.printf("hub memory (-Xmx64m): RSS before %d MB, peak during transfers %d MB, after %d MB%n",
                        before >> 20, peak >> 20, after >> 20);
                assertThat(hub.isAlive()).as("the hub survived%n%s", hub.stderr()).isTrue();
                assertThat(peak - before).as("growth of the hub's resident memory during 2 GiB of transfers")
                        .isLessThan(MAX_RSS_GROWTH);
            } finally {
                if (container != null) {
                    Notebooks.exec(container, "rm", "-f", "/home/jovyan/big.bin", "/home/jovyan/up.bin");
                }
            }
        } finally {
            TestHub.removeContainers(root);
        }
    }

    /** A file of random bytes made in the container comes back through the hub, byte for byte. */
    private static void download(Transfers t, String container) throws Exception {
        Notebooks.Exec made = Notebooks.exec(container, "sh", "-c",
                "head -c " + GIB + " /dev/urandom > /home/jovyan/big.bin && sha256sum /home/jovyan/big.bin");
        assertThat(made.exit()).as(made.output()).isZero();
        String expected = made.output().strip().split("\\s+")[0];

        long start = System.nanoTime();
        HttpResponse<InputStream> r = t.http.send(t.request("/files/big.bin").timeout(Duration.ofMinutes(10)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long bytes = 0;
        try (InputStream in = r.body()) {
            byte[] buf = new byte[1 << 16];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                sha.update(buf, 0, n);
                bytes += n;
            }
        }
        report("download", bytes, start);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Encoding")).as("nothing compressed the body").isEmpty();
        assertThat(r.headers().firstValueAsLong("Content-Length")).as("the length passed on (a browser shows progress)").hasValue(GIB);
        assertThat(bytes).isEqualTo(GIB);
        assertThat(HexFormat.of().formatHex(sha.digest())).as("SHA-256 of what came through the hub").isEqualTo(expected);
    }

    /** The notebook UI's chunked upload of 1 GiB of random bytes arrives whole in the home folder. */
    private static void upload(Transfers t, String container) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        SplittableRandom random = new SplittableRandom(42);
        int chunks = (int) (GIB / CHUNK);
        long start = System.nanoTime();
        for (int i = 1; i <= chunks; i++) {
            int number = i == chunks ? -1 : i;
            String prefix = "{\"type\":\"file\",\"format\":\"base64\",\"name\":\"up.bin\",\"path\":\"up.bin\",\"chunk\":" + number
                    + ",\"content\":\"";
            RandomBase64Json body = new RandomBase64Json(prefix, CHUNK, random, sha);
            HttpRequest req = t.request("/api/contents/up.bin").timeout(Duration.ofMinutes(5))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> body), body.length()))
                    .build();
            long sending = System.nanoTime();
            HttpResponse<String> r = t.http.send(req, HttpResponse.BodyHandlers.ofString());
            System.out.printf("  chunk %d: body sent in %.1f s, answered %.1f s later%n", number, (body.endedAt - sending) / 1e9,
                    (System.nanoTime() - body.endedAt) / 1e9);
            assertThat(r.statusCode()).as("chunk %d: %s", number, r.body()).isIn(200, 201);
            assertThat(body.remaining()).as("chunk %d sent whole", number).isZero();
        }
        report("upload", GIB, start);
        String expected = HexFormat.of().formatHex(sha.digest());
        Notebooks.Exec check = Notebooks.exec(container, "sh", "-c", "stat -c %s /home/jovyan/up.bin && sha256sum /home/jovyan/up.bin");
        assertThat(check.exit()).as(check.output()).isZero();
        String[] lines = check.output().strip().split("\n");
        assertThat(Long.parseLong(lines[0].strip())).isEqualTo(GIB);
        assertThat(lines[1].split("\\s+")[0]).as("SHA-256 of what the notebook wrote").isEqualTo(expected);
    }

    private static void report(String what, long bytes, long startNanos) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        System.out.printf("%s: %d MiB in %.1f s = %.0f MB/s%n", what, bytes >> 20, seconds, bytes / 1e6 / seconds);
    }

    /** Creates the user and a token for her (read, servers), starts her server as she would, and waits until it runs. */
    private String userWithRunningServer(String base) throws Exception {
        HubClient admin = new HubClient(base);
        admin.login("admin", Files.readString(root.resolve("secrets/admin-password")).trim()).expectStatus(303);
        JsonNode envs = Json.MAPPER.readTree(admin.api("GET", "/api/environments").expectStatus(200).body());
        assertThat(envs.toString()).as("environment \"minimal\" (build it: ./labhub kernels build minimal)").contains("\"minimal\"");
        admin.api("POST", "/api/users/" + USER, "{\"password\":\"tessa-password-1\"}").expectStatus(201);
        String token = admin.api("POST", "/api/users/" + USER + "/tokens", "{\"scopes\":[\"read\",\"servers\"]}").expectStatus(201).json("token");

        HubClient tessa = new HubClient(base).withToken(token);
        HubClient.Res r = tessa.api("POST", "/api/users/" + USER + "/server", "{\"environment\":\"minimal\",\"profile\":\"small\"}");
        assertThat(r.status()).as(r.body()).isIn(201, 202);
        Notebooks.await(USER + "'s server running", Duration.ofSeconds(180), () -> {
            JsonNode server = Json.MAPPER.readTree(tessa.api("GET", "/api/users/" + USER).expectStatus(200).body()).path("servers").path("");
            assertThat(server.path("phase").asString()).as(server.toString()).isIn("starting", "running");
            return server.path("phase").asString().equals("running");
        });
        return token;
    }

    private String containerOf(String user) throws Exception {
        String hubId = Files.readString(root.resolve("secrets/hub-id")).trim();
        Notebooks.Exec ps = Notebooks.run(List.of("podman", "ps", "-q", "--no-trunc", "--filter",
                "label=" + NotebookContainers.LABEL_HUB + "=" + hubId, "--filter", "label=" + NotebookContainers.LABEL_USER + "=" + user), null);
        assertThat(ps.output().strip()).as("%s's running container", user).matches("[0-9a-f]{64}");
        return ps.output().strip();
    }

    /** A field of /proc/<pid>/status, in bytes (VmRSS: resident now; VmHWM: the peak since the last reset). */
    private static long status(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").strip()) << 10;
            }
        }
        throw new IllegalStateException("no " + field + " in /proc/" + pid + "/status");
    }

    /** Resets VmHWM to the current RSS so that it shows the transfers' peak, not start-up's (Linux 4.0+; if refused, HWM only overstates). */
    private static void resetPeak(long pid) {
        try {
            Files.writeString(Path.of("/proc", Long.toString(pid), "clear_refs"), "5");
        } catch (IOException e) {
            System.out.println("could not reset the hub's peak RSS (" + e + "); the peak includes start-up");
        }
    }

    /** Requests to one notebook server through the hub, with a token with the servers scope. */
    private record Transfers(HttpClient http, String server, String token) {
        HttpRequest.Builder request(String path) {
            // No Accept-Encoding: the bytes counted are the bytes of the file.
            return HttpRequest.newBuilder(URI.create(server + path)).header("Authorization", "token " + token);
        }

        /** One small proxied request first, so that the baseline includes the proxy's client and its classes. */
        void warmUp() throws Exception {
            HttpResponse<String> r = http.send(request("/api/contents").timeout(Duration.ofSeconds(60)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
    }

    /**
     * The JSON of one chunk, {@code prefix + base64(raw) + "\"}"}, generated while it is read: random raw bytes go into
     * the digest and out as base64, so no chunk is ever held whole on this side either.
     */
    private static final class RandomBase64Json extends InputStream {
        private static final int BLOCK = 3 * (1 << 16); // a multiple of 3: no padding but at the very end
        private static final byte[] SUFFIX = "\"}".getBytes(StandardCharsets.US_ASCII);
        private final SplittableRandom random;
        private final MessageDigest digest;
        private final long length;
        private long rawLeft;
        private long sent;
        private byte[] buf;
        private int pos;
        private boolean suffixDone;
        private long endedAt;

        RandomBase64Json(String prefix, long raw, SplittableRandom random, MessageDigest digest) {
            this.random = random;
            this.digest = digest;
            this.rawLeft = raw;
            this.buf = prefix.getBytes(StandardCharsets.US_ASCII);
            this.length = buf.length + 4 * ((raw + 2) / 3) + SUFFIX.length;
        }

        long length() { return length; }

        long remaining() { return length - sent; }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos == buf.length && !refill()) {
                return -1;
            }
            int n = Math.min(len, buf.length - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            sent += n;
            return n;
        }

        private boolean refill() {
            if (rawLeft > 0) {
                int n = (int) Math.min(BLOCK, rawLeft);
                ByteBuffer raw = ByteBuffer.allocate((n + 7) & ~7);
                while (raw.hasRemaining()) {
                    raw.putLong(random.nextLong());
                }
                byte[] bytes = java.util.Arrays.copyOf(raw.array(), n);
                digest.update(bytes);
                rawLeft -= n;
                buf = Base64.getEncoder().encode(bytes);
            } else if (!suffixDone) {
                suffixDone = true;
                buf = SUFFIX;
            } else {
                endedAt = System.nanoTime();
                return false;
            }
            pos = 0;
            return true;
        }
    }
}
