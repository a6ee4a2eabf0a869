package org.labhub.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.PathRequestContent;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Issue 5's WebDAV benchmarks: labhub's {@code /dav/<user>/} against nginx's WebDAV module (bench/run.sh starts an
 * nginx of its own with {@code auth_basic}) and against the disk itself, in one run, interleaved: PUT and GET of a
 * 1 GiB file (with {@code cp} and a plain read as the floor), PROPFIND Depth 1 on a folder of 10,000 files, and an
 * upload of 10,000 small files with {@code rclone copy --transfers 8}. Every HTTP request of ours goes through the
 * same Jetty client; each server's files are checked on disk after the upload.
 */
final class WebDavBench {
    private static final double TARGET = 0.8;
    private static final String USER = "alice";
    /** What sync clients ask for (rclone asks for these and a few of ownCloud's); both servers know all four. */
    private static final String PROPFIND_BODY = """
            <?xml version="1.0" encoding="utf-8"?>
            <D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/><D:getcontentlength/><D:getlastmodified/><D:getetag/></D:prop></D:propfind>
            """;
    private static final Pattern RESPONSE_ELEMENT = Pattern.compile("<([A-Za-z][A-Za-z0-9]*:)?response[\\s>]");

    /** One WebDAV server: where its collection is, the credentials, and the folder on disk that collection is. */
    record Side(String label, String base, String user, String password, Path root) {
        Side {
            if (!base.startsWith("http://127.0.0.1:") || !base.endsWith("/")) {
                throw new IllegalArgumentException("benchmarks talk to the loopback address only, and want a collection URL: " + base);
            }
        }

        Request request(HttpClient client, String method, String path) {
            return client.newRequest(base + path).method(method)
                    .headers(h -> h.put(HttpHeader.AUTHORIZATION, Http.basic(user, password)));
        }
    }

    private WebDavBench() {}

    static void run(Map<String, String> args) throws Exception {
        Path tmp = Path.of(args.get("tmp")).toAbsolutePath();
        Path work = tmp.resolve("webdav-work");
        Files.createDirectories(work);
        int bigMib = Integer.parseInt(args.getOrDefault("big-mib", "1024"));
        int rounds = Integer.parseInt(args.getOrDefault("rounds", "3"));
        int propfindFiles = Integer.parseInt(args.getOrDefault("propfind-files", "10000"));
        int propfindReps = Integer.parseInt(args.getOrDefault("propfind-reps", "20"));
        int uploadFiles = Integer.parseInt(args.getOrDefault("upload-files", "10000"));
        int uploadRounds = Integer.parseInt(args.getOrDefault("upload-rounds", "2"));
        int transfers = Integer.parseInt(args.getOrDefault("transfers", "8"));
        String rclone = args.getOrDefault("rclone", "rclone");
        long hubPid = Long.parseLong(args.getOrDefault("hub-pid", "0"));

        HttpClient client = JettyClients.tcp("bench-webdav");
        long t0 = System.nanoTime();
        Side nginx = new Side("nginx", args.get("nginx-url"), args.get("nginx-user"), args.get("nginx-password"),
                Path.of(args.get("nginx-root")).toAbsolutePath());
        List<Side> servers = new ArrayList<>();
        String labhubNote = labhub(args, client, servers);
        servers.add(nginx);
        expect(nginx.request(client, "PROPFIND", "").headers(h -> h.put("Depth", "0")).timeout(30, TimeUnit.SECONDS).send(), 207,
                "nginx: PROPFIND " + nginx.base());
        System.out.printf("webdav: setup: %s; nginx at %s with auth_basic (apr1 htpasswd), root %s; not part of the measurement (%s)%n",
                labhubNote, nginx.base(), nginx.root(), Stats.sec((System.nanoTime() - t0) / 1e9));
        if (hubPid > 0) {
            System.out.printf("webdav: hub RSS before the load %s%n", Stats.mib(Rss.current(hubPid)));
            memory(hubPid, "before the load");
        }

        Path big = work.resolve("big.bin");
        t0 = System.nanoTime();
        randomFile(big, (long) bigMib << 20);
        System.out.printf("webdav: made %s (%d MiB of random bytes) in %s; not part of the measurement%n", big, bigMib,
                Stats.sec((System.nanoTime() - t0) / 1e9));
        bigFile(client, servers, big, work, rounds);
        if (hubPid > 0) {
            System.out.printf("webdav: hub RSS after PUT and GET %s%n", Stats.mib(Rss.current(hubPid)));
        }
        propfind(client, servers, propfindFiles, propfindReps);
        Path small = smallFiles(work.resolve("small"), uploadFiles);
        putMany(client, servers, small, uploadFiles, uploadRounds, transfers, work.resolve("durable-floor"));
        int rcloneFiles = Integer.parseInt(args.getOrDefault("rclone-files", String.valueOf(uploadFiles)));
        upload(servers, rcloneFiles == uploadFiles ? small : smallFiles(work.resolve("small-rclone"), rcloneFiles), rcloneFiles,
                uploadRounds, transfers, rclone, tmp);
        if (hubPid > 0) {
            System.out.printf("webdav: hub RSS at the end %s%n", Stats.mib(Rss.current(hubPid)));
            memory(hubPid, "at the end");
        }
        client.stop();
    }

    /**
     * The hub's memory after a full collection (jcmd GC.run, GC.heap_info, GC.class_histogram), so that growth of
     * what is still reachable can be told from a heap that G1 merely keeps committed.
     */
    private static void memory(long hubPid, String when) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        JvmMemory m = JvmMemory.read(JvmMemory.jcmdBeside(java), hubPid);
        System.out.printf("webdav: hub memory %s, after a full GC: live heap %s, heap committed %s (used %s), RSS %s, outside the heap %s,"
                + " %d threads%n", when, Stats.mib(m.liveHeapKib()), Stats.mib(m.heapCommittedKib()), Stats.mib(m.heapUsedKib()),
                Stats.mib(m.rssKib()), Stats.mib(m.outsideHeapKib()), m.threads());
    }

    /** Sets up alice and her token on the hub and adds its side, or says why there is none. */
    private static String labhub(Map<String, String> args, HttpClient client, List<Side> servers) throws Exception {
        String url = args.get("hub-url");
        if (url == null) {
            return "labhub: not measured (" + args.getOrDefault("hub-skip", "no hub") + ")";
        }
        Path data = Path.of(args.get("hub-data")).toAbsolutePath();
        java.net.http.HttpClient jdk = Http.client();
        HubSetup setup = new HubSetup(jdk, url, data);
        setup.createUsers(List.of(USER), randomSecret());
        String token = setup.tokens(List.of(USER), "files").get(USER);
        Side side = new Side("labhub", url + "/dav/" + USER + "/", USER, token, data.resolve("homes").resolve(USER));
        ContentResponse probe = side.request(client, "PROPFIND", "").headers(h -> h.put("Depth", "0")).timeout(30, TimeUnit.SECONDS).send();
        if (probe.getStatus() != 207) {
            System.out.printf("webdav: labhub: SKIPPED: PROPFIND Depth 0 %s answered %d %s (no WebDAV in this build?)%n", side.base(),
                    probe.getStatus(), Http.abbreviate(probe.getContentAsString().strip()));
            return "labhub: not measured (its WebDAV did not answer)";
        }
        if (!Files.isDirectory(side.root())) {
            throw new IllegalStateException("labhub answers PROPFIND on " + side.base() + " but " + side.root() + " is not a folder");
        }
        servers.add(side);
        return "labhub at " + side.base() + " (user " + USER + ", an API token with scope files as app password, HTTP Basic), home "
                + side.root();
    }

    // ---------------------------------------------------------------------------------------------------- 1 GiB file

    private static void bigFile(HttpClient client, List<Side> servers, Path big, Path work, int rounds) throws Exception {
        long size = Files.size(big);
        String what = size % (1L << 30) == 0 ? (size >> 30) + " GiB" : (size >> 20) + " MiB";
        Path cpDir = work.resolve("cp-floor");
        Files.createDirectories(cpDir);
        List<String> labels = new ArrayList<>();
        servers.forEach(s -> labels.add(s.label()));
        labels.add("cp");
        labels.add("cp+fsync");

        note("PUT " + what);
        Map<String, List<Double>> put = rates(labels);
        for (int r = 0; r < rounds; r++) {
            StringBuilder line = new StringBuilder();
            for (int k = 0; k < labels.size(); k++) {
                String label = labels.get((k + r) % labels.size());
                String name = "big-" + (r + 1) + ".bin";
                sync();
                double seconds;
                Path stored;
                if (label.startsWith("cp")) {
                    // cp+fsync: what labhub's store does on top (fsync of the file, then of its folder), by sync(1).
                    boolean fsync = label.equals("cp+fsync");
                    stored = cpDir.resolve((fsync ? "fsync-" : "") + name);
                    long s0 = System.nanoTime();
                    command(List.of("cp", big.toString(), stored.toString()), Duration.ofMinutes(10));
                    if (fsync) {
                        command(List.of("sync", stored.toString(), cpDir.toString()), Duration.ofMinutes(10));
                    }
                    seconds = (System.nanoTime() - s0) / 1e9;
                } else {
                    Side side = side(servers, label);
                    stored = side.root().resolve(name);
                    seconds = put(client, side, name, big);
                }
                if (Files.size(stored) != size) {
                    throw new IllegalStateException(label + ": after the PUT " + stored + " has " + Files.size(stored) + " bytes, not " + size);
                }
                if (r == 0 && Files.mismatch(big, stored) != -1) {
                    throw new IllegalStateException(label + ": " + stored + " differs from " + big + " at byte " + Files.mismatch(big, stored));
                }
                put.get(label).add(size / 1e6 / seconds);
                line.append(String.format(Locale.ROOT, "%s%s %.0f MB/s (%s)", line.length() == 0 ? "" : " | ", label,
                        size / 1e6 / seconds, Stats.sec(seconds)));
            }
            System.out.printf("webdav:   PUT %s, round %d: %s%n", what, r + 1, line);
        }
        summary("PUT " + what + " (" + rounds + " rounds, median; cp = cp of the same file to the same filesystem; cp+fsync = "
                + "cp, then sync(1) of the copy and its folder, as labhub's store does and nginx does not)", put, "cp");

        note("GET " + what);
        Map<String, List<Double>> get = rates(labels);
        for (int r = 0; r < rounds; r++) {
            StringBuilder line = new StringBuilder();
            for (int k = 0; k < labels.size(); k++) {
                String label = labels.get((k + r) % labels.size());
                if (label.equals("cp+fsync")) {
                    continue;
                }
                double seconds = label.equals("cp") ? read(big) : get(client, side(servers, label), "big-1.bin", size);
                get.get(label).add(size / 1e6 / seconds);
                line.append(String.format(Locale.ROOT, "%s%s %.0f MB/s (%s)", line.length() == 0 ? "" : " | ", label.equals("cp") ? "read" : label,
                        size / 1e6 / seconds, Stats.sec(seconds)));
            }
            System.out.printf("webdav:   GET %s, round %d: %s%n", what, r + 1, line);
        }
        Map<String, List<Double>> renamed = new LinkedHashMap<>();
        get.forEach((k, v) -> {
            if (!k.equals("cp+fsync")) {
                renamed.put(k.equals("cp") ? "read" : k, v);
            }
        });
        summary("GET " + what + " (" + rounds + " rounds, median; read = the file read in this JVM through a FileChannel, 1 MiB at a time)",
                renamed, "read");
    }

    private static double put(HttpClient client, Side side, String name, Path file) throws Exception {
        CompletableFuture<Result> done = new CompletableFuture<>();
        long t0 = System.nanoTime();
        side.request(client, "PUT", name).body(new PathRequestContent("application/octet-stream", file, 1 << 20))
                .timeout(10, TimeUnit.MINUTES).send(done::complete);
        Result result = done.get(11, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - t0) / 1e9;
        int status = result.getResponse().getStatus();
        if (result.isFailed() || (status != 201 && status != 204)) {
            throw new IllegalStateException(side.label() + ": PUT " + side.base() + name + " ended with " + status
                    + (result.isFailed() ? ", " + result.getFailure() : ""));
        }
        return seconds;
    }

    private static double get(HttpClient client, Side side, String name, long expected) throws Exception {
        AtomicLong bytes = new AtomicLong();
        CompletableFuture<Result> done = new CompletableFuture<>();
        long t0 = System.nanoTime();
        side.request(client, "GET", name).timeout(10, TimeUnit.MINUTES)
                .onResponseContent((response, chunk) -> bytes.addAndGet(chunk.remaining()))
                .send(done::complete);
        Result result = done.get(11, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (result.isFailed() || result.getResponse().getStatus() != 200 || bytes.get() != expected) {
            throw new IllegalStateException(side.label() + ": GET " + side.base() + name + " ended with " + result.getResponse().getStatus()
                    + ", " + bytes.get() + " of " + expected + " bytes" + (result.isFailed() ? ", " + result.getFailure() : "")
                    + (result.getResponse().getHeaders().contains("Content-Encoding") ? " (compressed)" : ""));
        }
        return seconds;
    }

    /** The read floor: the whole file through a FileChannel into one direct buffer, bytes counted and dropped. */
    private static double read(Path file) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
        long t0 = System.nanoTime();
        long total = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            int n;
            while ((n = ch.read(buffer.clear())) >= 0) {
                total += n;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (total != Files.size(file)) {
            throw new IllegalStateException("read " + total + " bytes of " + file);
        }
        return seconds;
    }

    // ---------------------------------------------------------------------------------------------------- PROPFIND

    private static void propfind(HttpClient client, List<Side> servers, int files, int reps) throws Exception {
        long t0 = System.nanoTime();
        byte[] content = "a small file for PROPFIND\n".getBytes(StandardCharsets.UTF_8);
        for (Side side : servers) {
            Path dir = side.root().resolve("many");
            Files.createDirectories(dir);
            for (int i = 0; i < files; i++) {
                Files.write(dir.resolve(String.format(Locale.ROOT, "file-%05d.txt", i)), content);
            }
        }
        System.out.printf("webdav: made many/ with %d files of %d bytes on disk in each server's folder in %s; not part of the measurement%n",
                files, content.length, Stats.sec((System.nanoTime() - t0) / 1e9));
        note("PROPFIND");
        Map<String, List<Double>> latencies = rates(servers.stream().map(Side::label).toList());
        Map<String, Integer> sizes = new LinkedHashMap<>();
        Map<String, String> samples = new LinkedHashMap<>();
        for (Side side : servers) {
            for (int w = 0; w < 2; w++) {
                propfindOnce(client, side, files, sizes, samples);
            }
        }
        samples.forEach((label, sample) -> System.out.printf("webdav: PROPFIND answer for one file, %s: %s%n", label, sample));
        for (int r = 0; r < reps; r++) {
            for (int k = 0; k < servers.size(); k++) {
                Side side = servers.get((k + r) % servers.size());
                latencies.get(side.label()).add(propfindOnce(client, side, files, sizes, samples));
            }
        }
        StringBuilder sum = new StringBuilder();
        for (Side side : servers) {
            List<Double> l = latencies.get(side.label());
            sum.append(String.format(Locale.ROOT, "%s%s p50 %s, p95 %s (%s KB)", sum.length() == 0 ? "" : " | ", side.label(),
                    Stats.ms(Stats.median(l)), Stats.ms(Stats.percentile(l, 95)), Stats.num(sizes.get(side.label()) / 1000.0)));
        }
        System.out.printf("webdav: PROPFIND Depth 1 on many/ (%d files; props resourcetype, getcontentlength, getlastmodified, getetag), "
                + "%d each after 2 warm-up, one connection: %s%s%n", files, reps, sum, ratioNote(latencies, "p50 latency", false));
    }

    private static double propfindOnce(HttpClient client, Side side, int files, Map<String, Integer> sizes, Map<String, String> samples)
            throws Exception {
        Request request = side.request(client, "PROPFIND", "many/").headers(h -> h.put("Depth", "1"))
                .body(new BytesRequestContent("application/xml; charset=utf-8", PROPFIND_BODY.getBytes(StandardCharsets.UTF_8)))
                .timeout(2, TimeUnit.MINUTES);
        long t0 = System.nanoTime();
        ContentResponse response = new CompletableResponseListener(request, 256 << 20).send().get(3, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - t0) / 1e9;
        String body = response.getContentAsString();
        if (response.getStatus() != 207) {
            throw new IllegalStateException(side.label() + ": PROPFIND " + side.base() + "many/ answered " + response.getStatus() + " "
                    + Http.abbreviate(body));
        }
        Matcher m = RESPONSE_ELEMENT.matcher(body);
        int count = 0;
        while (m.find()) {
            count++;
        }
        if (count != files + 1) {
            throw new IllegalStateException(side.label() + ": PROPFIND many/ listed " + count + " resources, not " + (files + 1));
        }
        sizes.put(side.label(), response.getContent().length);
        int at = body.indexOf("file-00000.txt");
        if (at >= 0 && !samples.containsKey(side.label())) {
            int start = body.lastIndexOf("<", body.lastIndexOf("response", at));
            int end = body.indexOf("response>", at);
            if (start >= 0 && end > at) {
                String element = body.substring(start, end + "response>".length()).replaceAll(">\\s+<", "><");
                samples.put(side.label(), element + " (" + element.getBytes(StandardCharsets.UTF_8).length + " bytes)");
            }
        }
        return seconds;
    }

    // ---------------------------------------------------------------------------------------------------- rclone

    private static final int FOLDERS = 10;

    /** {@code files} files of 1–4 KiB of random bytes in {@value #FOLDERS} folders d00…d09 under {@code src}. */
    private static Path smallFiles(Path src, int files) throws IOException {
        long t0 = System.nanoTime();
        SplittableRandom random = new SplittableRandom(5);
        long bytes = 0;
        for (int i = 0; i < files; i++) {
            Path dir = src.resolve(smallName(i)).getParent();
            Files.createDirectories(dir);
            byte[] b = new byte[1024 + random.nextInt(3073)];
            random.nextBytes(b);
            Files.write(src.resolve(smallName(i)), b);
            bytes += b.length;
        }
        System.out.printf("webdav: made %d files of 1–4 KiB (%.1f MB, random) in %d folders in %s; not part of the measurement%n",
                files, bytes / 1e6, FOLDERS, Stats.sec((System.nanoTime() - t0) / 1e9));
        return src;
    }

    private static String smallName(int i) {
        return String.format(Locale.ROOT, "d%02d/f%05d.bin", i % FOLDERS, i);
    }

    /**
     * The servers' own rate for many small uploads, without rclone's pacer: MKCOL of the folders, then every file PUT
     * by {@code parallel} threads over keep-alive connections of the same Jetty client.
     */
    private static void putMany(HttpClient client, List<Side> servers, Path src, int files, int rounds, int parallel, Path floorDir)
            throws Exception {
        byte[][] bodies = new byte[files][];
        long bytes = 0;
        for (int i = 0; i < files; i++) {
            bodies[i] = Files.readAllBytes(src.resolve(smallName(i)));
            bytes += bodies[i].length;
        }
        note("small PUTs");
        List<String> labels = new ArrayList<>(servers.stream().map(Side::label).toList());
        labels.add(DURABLE);
        Map<String, List<Double>> rates = rates(labels);
        for (int r = 0; r < rounds; r++) {
            StringBuilder line = new StringBuilder();
            for (int k = 0; k < servers.size(); k++) {
                Side side = servers.get((k + r) % servers.size());
                String folder = "put-" + (r + 1) + "/";
                sync();
                long s0 = System.nanoTime();
                mkcol(client, side, folder);
                for (int d = 0; d < FOLDERS; d++) {
                    mkcol(client, side, folder + String.format(Locale.ROOT, "d%02d/", d));
                }
                java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
                java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(parallel);
                List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < parallel; t++) {
                    futures.add(pool.submit(() -> {
                        for (int i; (i = next.getAndIncrement()) < files; ) {
                            ContentResponse res = side.request(client, "PUT", folder + smallName(i))
                                    .body(new BytesRequestContent("application/octet-stream", bodies[i])).timeout(60, TimeUnit.SECONDS).send();
                            if (res.getStatus() != 201 && res.getStatus() != 204) {
                                throw new IllegalStateException(side.label() + ": PUT " + side.base() + folder + smallName(i) + " answered "
                                        + res.getStatus() + " " + Http.abbreviate(res.getContentAsString().strip()));
                            }
                        }
                        return null;
                    }));
                }
                try {
                    for (java.util.concurrent.Future<?> f : futures) {
                        f.get(15, TimeUnit.MINUTES);
                    }
                } finally {
                    pool.shutdownNow();
                }
                double seconds = (System.nanoTime() - s0) / 1e9;
                long[] onDisk = countFiles(side.root().resolve(folder));
                if (onDisk[0] != files || onDisk[1] != bytes) {
                    throw new IllegalStateException(side.label() + ": after the PUTs, " + side.root().resolve(folder) + " has " + onDisk[0]
                            + " files, " + onDisk[1] + " bytes, not " + files + ", " + bytes);
                }
                rates.get(side.label()).add(files / seconds);
                line.append(String.format(Locale.ROOT, "%s%s %s (%.0f files/s)", line.length() == 0 ? "" : " | ", side.label(),
                        Stats.sec(seconds), files / seconds));
            }
            sync();
            double floor = durableWrites(bodies, floorDir.resolve("round-" + (r + 1)), parallel);
            rates.get(DURABLE).add(files / floor);
            line.append(String.format(Locale.ROOT, " | %s %s (%.0f files/s)", DURABLE, Stats.sec(floor), files / floor));
            System.out.printf("webdav:   %d small PUTs, %d at a time, round %d: %s%n", files, parallel, r + 1, line);
        }
        StringBuilder sum = new StringBuilder();
        for (String label : labels) {
            sum.append(String.format(Locale.ROOT, "%s%s %.0f files/s", sum.length() == 0 ? "" : ", ", label, Stats.median(rates.get(label))));
        }
        String durable = rates.containsKey("labhub") ? ", labhub/" + DURABLE + " "
                + Stats.ratio(Stats.median(rates.get("labhub")), Stats.median(rates.get(DURABLE))) : "";
        System.out.printf("webdav: upload of %d small files by PUT, %d at a time over keep-alive (MKCOL of the %d folders included; "
                + "median of %d; %s = the same files written by %d threads of this JVM as labhub's store writes them, without "
                + "HTTP: temp file, fsync, rename, fsync of the folder): %s%s%s%n", files, parallel, FOLDERS, rounds, DURABLE, parallel, sum,
                ratioNote(rates, "files/s", true), durable);
    }

    /** The disk's floor for durable small uploads, which labhub promises and nginx does not: see {@link #durableWrites}. */
    private static final String DURABLE = "write+fsync";

    /**
     * Writes every body as labhub's store does, minus HTTP and the hub: into a temp file in the target folder, fsync,
     * rename over the name, fsync the folder; {@code parallel} threads. Returns the seconds taken.
     */
    private static double durableWrites(byte[][] bodies, Path root, int parallel) throws Exception {
        for (int d = 0; d < FOLDERS; d++) {
            Files.createDirectories(root.resolve(String.format(Locale.ROOT, "d%02d", d)));
        }
        long s0 = System.nanoTime();
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(parallel);
        List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < parallel; t++) {
            futures.add(pool.submit(() -> {
                for (int i; (i = next.getAndIncrement()) < bodies.length; ) {
                    Path target = root.resolve(smallName(i));
                    Path tmp = target.resolveSibling(".tmp-" + target.getFileName());
                    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.CREATE_NEW,
                            java.nio.file.StandardOpenOption.WRITE)) {
                        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bodies[i]);
                        while (b.hasRemaining()) {
                            ch.write(b);
                        }
                        ch.force(true);
                    }
                    Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    try (java.nio.channels.FileChannel dir = java.nio.channels.FileChannel.open(target.getParent(),
                            java.nio.file.StandardOpenOption.READ)) {
                        dir.force(true);
                    }
                }
                return null;
            }));
        }
        try {
            for (java.util.concurrent.Future<?> f : futures) {
                f.get(15, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        return (System.nanoTime() - s0) / 1e9;
    }

    private static void mkcol(HttpClient client, Side side, String folder) throws Exception {
        ContentResponse res = side.request(client, "MKCOL", folder).timeout(60, TimeUnit.SECONDS).send();
        if (res.getStatus() != 201) {
            throw new IllegalStateException(side.label() + ": MKCOL " + side.base() + folder + " answered " + res.getStatus() + " "
                    + Http.abbreviate(res.getContentAsString().strip()));
        }
    }

    /**
     * rclone copy into a new folder. rclone 1.60's WebDAV backend paces its calls (at least 10 ms apart, with no flag to
     * change it) and makes about three per file (MKCOL of the parent, PUT, PROPFIND of the result), so it cannot go
     * much beyond 33 files/s against any server: this is what a sync client sees, not the server's limit.
     */
    private static void upload(List<Side> servers, Path src, int files, int rounds, int transfers, String rclone, Path tmp)
            throws Exception {
        long t0 = System.nanoTime();
        long[] source = countFiles(src);
        long bytes = source[1];
        Map<String, String> obscured = new LinkedHashMap<>();
        for (Side side : servers) {
            obscured.put(side.label(), command(List.of(rclone, "obscure", side.password()), Duration.ofSeconds(30)).strip());
        }
        String version = command(List.of(rclone, "version"), Duration.ofSeconds(30)).lines().findFirst().orElse("rclone");
        System.out.printf("webdav: %s, rclone obscure for both in %s%n", version, Stats.sec((System.nanoTime() - t0) / 1e9));
        note("rclone upload");
        Path config = tmp.resolve("rclone-none.conf");
        Map<String, List<Double>> rates = rates(servers.stream().map(Side::label).toList());
        for (int r = 0; r < rounds; r++) {
            StringBuilder line = new StringBuilder();
            for (int k = 0; k < servers.size(); k++) {
                Side side = servers.get((k + r) % servers.size());
                String folder = "up-" + (r + 1);
                String remote = ":webdav,url='" + side.base() + "',vendor=other,user=" + side.user() + ",pass=" + obscured.get(side.label())
                        + ":" + folder;
                sync();
                Path log = tmp.resolve("rclone-" + side.label() + "-" + (r + 1) + ".log");
                long s0 = System.nanoTime();
                int exit = exitCode(List.of(rclone, "copy", "--config", config.toString(), "--transfers", String.valueOf(transfers),
                        "--retries", "1", "--low-level-retries", "1", "--log-level", "NOTICE", "--log-file", log.toString(),
                        src.toString(), remote), Duration.ofMinutes(15));
                double seconds = (System.nanoTime() - s0) / 1e9;
                if (exit != 0) {
                    String tail = String.join("\n", Files.readAllLines(log).stream().skip(Math.max(0, Files.readAllLines(log).size() - 15)).toList());
                    throw new IllegalStateException(side.label() + ": rclone copy to " + side.base() + folder + " exited " + exit + ":\n" + tail);
                }
                long[] onDisk = countFiles(side.root().resolve(folder));
                if (onDisk[0] != files || onDisk[1] != bytes) {
                    throw new IllegalStateException(side.label() + ": after rclone, " + side.root().resolve(folder) + " has " + onDisk[0]
                            + " files, " + onDisk[1] + " bytes, not " + files + ", " + bytes);
                }
                rates.get(side.label()).add(files / seconds);
                line.append(String.format(Locale.ROOT, "%s%s %s (%.0f files/s)", line.length() == 0 ? "" : " | ", side.label(),
                        Stats.sec(seconds), files / seconds));
            }
            System.out.printf("webdav:   rclone copy, round %d: %s%n", r + 1, line);
        }
        StringBuilder sum = new StringBuilder();
        for (Side side : servers) {
            sum.append(String.format(Locale.ROOT, "%s%s %.0f files/s", sum.length() == 0 ? "" : ", ", side.label(),
                    Stats.median(rates.get(side.label()))));
        }
        System.out.printf("webdav: upload of %d small files with rclone copy --transfers %d (vendor=other, into a new folder; median of %d; "
                + "rclone paces itself to about 100 requests/s): %s%s%n",
                files, transfers, rounds, sum, ratioNote(rates, "files/s", true));
    }

    private static long[] countFiles(Path dir) throws IOException {
        long[] out = new long[2];
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(Files::isRegularFile).forEach(p -> {
                out[0]++;
                try {
                    out[1] += Files.size(p);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------------- helpers

    private static void summary(String what, Map<String, List<Double>> rates, String floor) {
        StringBuilder sum = new StringBuilder();
        rates.forEach((label, v) -> sum.append(String.format(Locale.ROOT, "%s%s %.0f MB/s", sum.length() == 0 ? "" : ", ", label,
                Stats.median(v))));
        String ratios = "";
        if (rates.containsKey("labhub")) {
            double labhub = Stats.median(rates.get("labhub"));
            double ngx = Stats.median(rates.get("nginx"));
            ratios = String.format(Locale.ROOT, "; labhub/nginx %s (aim >= %.1f: %s), labhub/%s %s", Stats.ratio(labhub, ngx), TARGET,
                    labhub / ngx >= TARGET ? "met" : "MISSED", floor, Stats.ratio(labhub, Stats.median(rates.get(floor))));
            if (rates.containsKey("cp+fsync")) {
                ratios += ", labhub/cp+fsync " + Stats.ratio(labhub, Stats.median(rates.get("cp+fsync")));
            }
        } else {
            ratios = "; labhub not measured";
        }
        System.out.printf("webdav: %s: %s%s; nginx/%s %s%n", what, sum, ratios, floor,
                Stats.ratio(Stats.median(rates.get("nginx")), Stats.median(rates.get(floor))));
    }

    /** {@code "; labhub/nginx 0.93 (files/s)"}: for latencies the ratio is nginx's over labhub's, so above 1 is better alike. */
    private static String ratioNote(Map<String, List<Double>> values, String what, boolean higherIsBetter) {
        if (!values.containsKey("labhub")) {
            return "; labhub not measured";
        }
        double l = Stats.median(values.get("labhub"));
        double n = Stats.median(values.get("nginx"));
        return higherIsBetter
                ? String.format(Locale.ROOT, "; labhub/nginx %s (%s)", Stats.ratio(l, n), what)
                : String.format(Locale.ROOT, "; labhub/nginx %s (%s; speed as nginx/labhub: %s)", Stats.ratio(l, n), what, Stats.ratio(n, l));
    }

    private static Map<String, List<Double>> rates(List<String> labels) {
        Map<String, List<Double>> out = new LinkedHashMap<>();
        labels.forEach(l -> out.put(l, new ArrayList<>()));
        return out;
    }

    private static Side side(List<Side> servers, String label) {
        return servers.stream().filter(s -> s.label().equals(label)).findFirst().orElseThrow();
    }

    /** Writes back what earlier steps left dirty, so no step pays for another's writeback; not timed. */
    private static void sync() throws Exception {
        command(List.of("sync"), Duration.ofMinutes(5));
    }

    private static void randomFile(Path file, long size) throws IOException {
        SplittableRandom random = new SplittableRandom(1);
        byte[] chunk = new byte[1 << 20];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            for (long done = 0; done < size; done += chunk.length) {
                random.nextBytes(chunk);
                ByteBuffer b = ByteBuffer.wrap(chunk, 0, (int) Math.min(chunk.length, size - done));
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
        }
    }

    private static String randomSecret() {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static void expect(ContentResponse r, int status, String what) {
        if (r.getStatus() != status) {
            throw new IllegalStateException(what + " answered " + r.getStatus() + " " + Http.abbreviate(r.getContentAsString().strip()));
        }
    }

    /** Runs a command to its end (at most {@code max}), its output in a file; fails unless it exits 0. Returns the output. */
    private static String command(List<String> cmd, Duration max) throws Exception {
        Path out = Files.createTempFile("labhub-bench-webdav", ".out");
        try {
            int exit = exitCode(cmd, max, out);
            String text = Files.readString(out, StandardCharsets.UTF_8);
            if (exit != 0) {
                throw new IOException(String.join(" ", cmd.subList(0, Math.min(2, cmd.size()))) + " failed (" + exit + "): "
                        + Http.abbreviate(text.strip()));
            }
            return text;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static int exitCode(List<String> cmd, Duration max) throws Exception {
        return exitCode(cmd, max, Path.of("/dev/null"));
    }

    private static int exitCode(List<String> cmd, Duration max, Path output) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            if (!p.waitFor(max.toSeconds(), TimeUnit.SECONDS)) {
                throw new IOException(String.join(" ", cmd.subList(0, Math.min(2, cmd.size()))) + " did not finish within "
                        + max.toSeconds() + " s");
            }
            return p.exitValue();
        } finally {
            p.destroyForcibly();
        }
    }

    private static void note(String phase) {
        try {
            String load = Files.readString(Path.of("/proc/loadavg")).split(" ", 4)[0];
            System.out.printf("webdav: %s starts; load average %s%n", phase, load);
        } catch (IOException e) {
            // no /proc: nothing to note
        }
    }
}
