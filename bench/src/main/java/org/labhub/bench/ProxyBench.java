package org.labhub.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.StringRequestContent;

/**
 * What the hub's proxy costs on the way to a notebook server, against the notebook's own Unix socket (the floor) and
 * against configurable-http-proxy (JupyterHub's proxy) in front of the same socket, in the same run: small GETs
 * (throughput and latency at 1 and 16 clients), a kernel's execute round trip over WebSocket, and a 1 GiB download.
 * One hub, one user, one notebook server started through the hub's API; every side uses the same Jetty client.
 */
final class ProxyBench {
    private static final String USER = "p01";
    private static final String BASE = "/user/" + USER + "/";
    private static final String CONTENTS = BASE + "api/contents";
    private static final double TARGET_GET = 0.9;
    private static final double TARGET_ADDED_MS = 1.0;
    private static final double TARGET_DOWNLOAD = 0.8;

    private ProxyBench() {}

    static void run(Map<String, String> args) throws Exception {
        String java = args.getOrDefault("java", "java");
        List<String> opts = Arrays.stream(args.getOrDefault("java-opts", "").trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
        Path hubJar = Path.of(args.get("hub-jar")).toAbsolutePath();
        Path tmp = Path.of(args.get("tmp")).toAbsolutePath();
        String podman = args.getOrDefault("podman", "podman");
        Path chpDir = Path.of(args.getOrDefault("chp", "bench/target/chp")).toAbsolutePath();
        String node = args.getOrDefault("node", "node");
        Duration window = Duration.ofSeconds(Long.parseLong(args.getOrDefault("seconds", "3")));
        int rounds = Integer.parseInt(args.getOrDefault("rounds", "3"));
        int executions = Integer.parseInt(args.getOrDefault("executions", "300"));
        int downloadMib = Integer.parseInt(args.getOrDefault("download-mib", "1024"));

        List<String> hubIds = new ArrayList<>();
        List<Chp> proxies = new ArrayList<>();
        Thread cleanup = new Thread(() -> {
            proxies.forEach(p -> {
                try {
                    p.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            hubIds.forEach(id -> SpawnHub.removeContainers(podman, id));
        }, "proxy-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);

        long t0 = System.nanoTime();
        Path data = tmp.resolve("proxy");
        Files.createDirectories(data);
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(opts);
        cmd.addAll(List.of("-jar", hubJar.toString(), "run", "--data", data.toString(), "--port", "0", "--bind", "127.0.0.1"));
        try (SpawnHub hub = SpawnHub.launch("labhub", cmd, Map.of(), data, tmp.resolve("proxy.log"), Http.client(), List.of(USER), podman)) {
            hubIds.add(hub.hubId());
            SpawnHub.Started started = hub.start(USER);
            String container = RawNotebooks.run(List.of(podman, "ps", "-q", "--filter", "label=org.labhub.hub=" + hub.hubId()),
                    Duration.ofSeconds(30)).trim();
            if (container.isEmpty() || container.contains("\n")) {
                throw new IllegalStateException("expected one container of the hub, found: " + container);
            }
            String notebookToken = notebookToken(podman, container);
            Path socket = data.resolve("run/users/" + USER + "/default/notebook.sock");

            HttpClient unix = JettyClients.unix("bench-direct", socket);
            HttpClient tcp = JettyClients.tcp("bench-tcp");
            List<ProxySide> sides = new ArrayList<>();
            sides.add(new ProxySide("direct", unix, "http://localhost", "token " + notebookToken));
            sides.add(new ProxySide("labhub", tcp, hub.url(), "token " + hub.token(USER)));
            Path script = Chp.script(chpDir);
            String chpNote;
            if (script == null) {
                chpNote = "configurable-http-proxy: SKIPPED: not installed in " + chpDir + " (bench/run.sh installs it with npm)";
            } else {
                Chp chp = Chp.start(node, script, socket, notebookToken, BASE + "api/status", tcp, tmp.resolve("chp.log"));
                proxies.add(chp);
                sides.add(new ProxySide("chp", tcp, chp.origin(), null));
                chpNote = "configurable-http-proxy " + Chp.VERSION + " (node " + RawNotebooks.run(List.of(node, "--version"),
                        Duration.ofSeconds(10)).trim() + ") with --default-target unix+http://<the same socket> and "
                        + "--custom-header 'Authorization: token <notebook token>'; it checks no credentials of the caller, "
                        + "and for a Unix-socket target it opens a new upstream connection per request (http-proxy sends "
                        + "Connection: close when it has no agent)";
            }
            for (ProxySide side : sides) {
                int status = side.request(CONTENTS).timeout(30, TimeUnit.SECONDS).send().getStatus();
                if (status != 200) {
                    throw new IllegalStateException(side.label() + ": GET " + CONTENTS + " answered " + status);
                }
            }
            System.out.printf("proxy: setup: a hub, user %s with a servers token, its server (environment minimal) started through "
                            + "the API (%d in %s); sides: direct = the notebook's Unix socket with Host: localhost and its token; "
                            + "labhub = http://127.0.0.1 with the user's API token; %s; %s; not part of the measurement%n",
                    USER, started.status(), Stats.sec(started.seconds()), chpNote, Stats.sec((System.nanoTime() - t0) / 1e9));
            System.out.printf("proxy: hub RSS before the load %s%n", Stats.mib(Rss.current(hub.pid())));

            gets(sides, window, rounds);
            hubOwn(new ProxySide("labhub", tcp, hub.url(), "token " + hub.token(USER)), window);
            System.out.printf("proxy: hub RSS after the GETs %s%n", Stats.mib(Rss.current(hub.pid())));
            kernel(sides, unix, tcp, executions);
            download(sides, hub, podman, container, downloadMib, rounds);
            hub.stop(USER);
        } finally {
            Runtime.getRuntime().removeShutdownHook(cleanup);
            cleanup.run();
        }
    }

    /** The notebook's token, from the container's environment (LABHUB_TOKEN), as the hub gave it. */
    private static String notebookToken(String podman, String container) throws Exception {
        String env = RawNotebooks.run(List.of(podman, "inspect", "--format", "{{range .Config.Env}}{{println .}}{{end}}", container),
                Duration.ofSeconds(30));
        return env.lines().filter(l -> l.startsWith("LABHUB_TOKEN=")).map(l -> l.substring("LABHUB_TOKEN=".length()))
                .findFirst().orElseThrow(() -> new IllegalStateException("the container has no LABHUB_TOKEN"));
    }

    /** Small GETs at 1 and 16 clients: each round runs every side for the window, in an order that turns. */
    private static void gets(List<ProxySide> sides, Duration window, int rounds) throws Exception {
        note("small GETs");
        for (ProxySide side : sides) {
            GetLoad.run(side, CONTENTS, 4, Duration.ofSeconds(1));
        }
        for (int clients : new int[] {1, 16}) {
            Map<String, List<Double>> rates = new LinkedHashMap<>();
            Map<String, List<Double>> latencies = new LinkedHashMap<>();
            sides.forEach(s -> {
                rates.put(s.label(), new ArrayList<>());
                latencies.put(s.label(), new ArrayList<>());
            });
            for (int r = 0; r < rounds; r++) {
                StringBuilder line = new StringBuilder();
                for (int k = 0; k < sides.size(); k++) {
                    ProxySide side = sides.get((k + r) % sides.size());
                    GetLoad.Result res = GetLoad.run(side, CONTENTS, clients, window);
                    if (!res.allOk()) {
                        throw new IllegalStateException(side.label() + ": not every GET answered 200: " + res.outcomes());
                    }
                    rates.get(side.label()).add(res.perSecond());
                    latencies.get(side.label()).addAll(res.latencies());
                    line.append(String.format(Locale.ROOT, "%s%s %.0f/s p50 %s", line.length() == 0 ? "" : " | ", side.label(),
                            res.perSecond(), Stats.ms(res.p50())));
                }
                System.out.printf("proxy:   GET, %d client%s, round %d: %s%n", clients, clients == 1 ? "" : "s", r + 1, line);
            }
            StringBuilder sum = new StringBuilder();
            double direct = Stats.median(rates.get("direct"));
            for (ProxySide s : sides) {
                double rate = Stats.median(rates.get(s.label()));
                List<Double> l = latencies.get(s.label());
                sum.append(String.format(Locale.ROOT, "%s%s %.0f/s (%s × direct) p50 %s p99 %s", sum.length() == 0 ? "" : " | ",
                        s.label(), rate, Stats.ratio(rate, direct), Stats.ms(Stats.percentile(l, 50)), Stats.ms(Stats.percentile(l, 99))));
            }
            System.out.printf("proxy: GET %s, %d client%s, median of %d rounds of %d s: %s%n", CONTENTS, clients, clients == 1 ? "" : "s",
                    rounds, window.toSeconds(), sum);
            double ratio = Stats.median(rates.get("labhub")) / direct;
            String vsChp = rates.containsKey("chp")
                    ? "; labhub / chp throughput " + Stats.ratio(Stats.median(rates.get("labhub")), Stats.median(rates.get("chp")))
                    : "";
            System.out.printf(Locale.ROOT, "proxy: target labhub ≥ %.1f × direct throughput at %d client%s: %s (%.2f)%s%n", TARGET_GET,
                    clients, clients == 1 ? "" : "s", ratio >= TARGET_GET ? "met" : "MISSED", ratio, vsChp);
        }
    }

    /**
     * For scale, not a side: the hub answering by itself, one client, no notebook behind. {@code /api/health} is
     * Jetty plus the router; {@code /api/users/<name>} with the token adds what the proxy also does per request
     * (the token and the account read from the catalog).
     */
    private static void hubOwn(ProxySide labhub, Duration window) throws Exception {
        GetLoad.Result health = GetLoad.run(new ProxySide("health", labhub.client(), labhub.origin(), null), "/api/health", 1, window);
        GetLoad.Result self = GetLoad.run(labhub, "/api/users/" + USER, 1, window);
        System.out.printf(Locale.ROOT, "proxy: for scale, the hub alone, 1 client, %d s each: GET /api/health %.0f/s p50 %s p99 %s | "
                        + "GET /api/users/%s with the token %.0f/s p50 %s p99 %s%n", window.toSeconds(), health.perSecond(),
                Stats.ms(health.p50()), Stats.ms(health.p99()), USER, self.perSecond(), Stats.ms(self.p50()), Stats.ms(self.p99()));
    }

    /** The execute round trip of {@code 1} on one kernel, one WebSocket per side, in blocks that alternate between sides. */
    private static void kernel(List<ProxySide> sides, HttpClient unix, HttpClient tcp, int executions) throws Exception {
        note("kernel round trips");
        ProxySide direct = sides.get(0);
        String body = direct.request(BASE + "api/kernels").method("POST")
                .body(new StringRequestContent("application/json", "{\"name\":\"python3\"}")).timeout(60, TimeUnit.SECONDS)
                .send().getContentAsString();
        String kernelId = Http.jsonString(body, "id");
        Map<String, KernelSocket> sockets = new LinkedHashMap<>();
        Map<String, List<Double>> rtt = new LinkedHashMap<>();
        try {
            for (ProxySide side : sides) {
                sockets.put(side.label(), KernelSocket.open(side, side.client() == unix ? unix : tcp, BASE, kernelId));
                rtt.put(side.label(), new ArrayList<>());
            }
            // The kernel's start, and the JIT of both clients and the hub's bridge.
            for (KernelSocket k : sockets.values()) {
                for (int i = 0; i < 50; i++) {
                    k.execute("1", Duration.ofSeconds(60));
                }
            }
            int block = 30;
            int blocks = Math.max(1, executions / block);
            for (int b = 0; b < blocks; b++) {
                for (int k = 0; k < sides.size(); k++) {
                    String label = sides.get((k + b) % sides.size()).label();
                    KernelSocket s = sockets.get(label);
                    for (int i = 0; i < block; i++) {
                        rtt.get(label).add(s.execute("1", Duration.ofSeconds(30)));
                    }
                }
            }
            StringBuilder sum = new StringBuilder();
            rtt.forEach((label, l) -> sum.append(String.format(Locale.ROOT, "%s%s p50 %.2f ms p99 %.2f ms", sum.length() == 0 ? "" : " | ",
                    label, Stats.percentile(l, 50) * 1000, Stats.percentile(l, 99) * 1000)));
            System.out.printf("proxy: kernel execute_request → execute_reply of `1`, %d per side after 50 warm-up, in blocks of %d "
                    + "alternating sides, one kernel: %s%n", blocks * block, block, sum);
            double addedP50 = (Stats.percentile(rtt.get("labhub"), 50) - Stats.percentile(rtt.get("direct"), 50)) * 1000;
            double addedP99 = (Stats.percentile(rtt.get("labhub"), 99) - Stats.percentile(rtt.get("direct"), 99)) * 1000;
            String chp = rtt.containsKey("chp") ? String.format(Locale.ROOT, "; chp adds %+.2f ms at p50",
                    (Stats.percentile(rtt.get("chp"), 50) - Stats.percentile(rtt.get("direct"), 50)) * 1000) : "";
            System.out.printf(Locale.ROOT, "proxy: labhub adds %+.2f ms at p50, %+.2f ms at p99%s; target < %.0f ms added at p50: %s%n",
                    addedP50, addedP99, chp, TARGET_ADDED_MS, addedP50 < TARGET_ADDED_MS ? "met" : "MISSED");
        } finally {
            for (KernelSocket k : sockets.values()) {
                k.close();
            }
            direct.request(BASE + "api/kernels/" + kernelId).method("DELETE").timeout(30, TimeUnit.SECONDS).send();
        }
    }

    /** A file of {@code mib} MiB made in the user's home, downloaded whole by every side in turns; the hub's RSS sampled meanwhile. */
    private static void download(List<ProxySide> sides, SpawnHub hub, String podman, String container, int mib, int rounds)
            throws Exception {
        long t0 = System.nanoTime();
        RawNotebooks.run(List.of(podman, "exec", container, "dd", "if=/dev/zero", "of=/home/jovyan/big.bin", "bs=1M",
                "count=" + mib, "status=none"), Duration.ofMinutes(5));
        System.out.printf("proxy: made /home/jovyan/big.bin (%d MiB of zeros, with podman exec dd, as the container's user) in %s; "
                + "not part of the measurement%n", mib, Stats.sec((System.nanoTime() - t0) / 1e9));
        note("downloads");
        String path = BASE + "files/big.bin";
        long expected = (long) mib << 20;
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        sides.forEach(s -> rates.put(s.label(), new ArrayList<>()));
        long rssBefore = Rss.current(hub.pid());
        long rssPeak = rssBefore;
        for (int r = 0; r < rounds; r++) {
            StringBuilder line = new StringBuilder();
            for (int k = 0; k < sides.size(); k++) {
                ProxySide side = sides.get((k + r) % sides.size());
                RssSampler sampler = new RssSampler(hub.pid());
                double seconds = fetch(side, path, expected);
                rssPeak = Math.max(rssPeak, sampler.stop());
                double mbps = expected / 1e6 / seconds;
                rates.get(side.label()).add(mbps);
                line.append(String.format(Locale.ROOT, "%s%s %.0f MB/s (%s)", line.length() == 0 ? "" : " | ", side.label(), mbps,
                        Stats.sec(seconds)));
            }
            System.out.printf("proxy:   download, round %d: %s%n", r + 1, line);
        }
        long rssAfter = Rss.current(hub.pid());
        double direct = Stats.median(rates.get("direct"));
        StringBuilder sum = new StringBuilder();
        for (ProxySide s : sides) {
            double rate = Stats.median(rates.get(s.label()));
            sum.append(String.format(Locale.ROOT, "%s%s %.0f MB/s (%s × direct)", sum.length() == 0 ? "" : " | ", s.label(), rate,
                    Stats.ratio(rate, direct)));
        }
        System.out.printf("proxy: GET %s (%d MiB), median of %d: %s%n", path, mib, rounds, sum);
        double ratio = Stats.median(rates.get("labhub")) / direct;
        System.out.printf(Locale.ROOT, "proxy: target labhub ≥ %.1f × direct download rate: %s (%.2f)%n", TARGET_DOWNLOAD,
                ratio >= TARGET_DOWNLOAD ? "met" : "MISSED", ratio);
        System.out.printf("proxy: hub RSS before the downloads %s, highest while any side downloaded (sampled every 50 ms) %s, after %s%n",
                Stats.mib(rssBefore), Stats.mib(rssPeak), Stats.mib(rssAfter));
    }

    /** Downloads {@code path} without keeping it; returns the seconds from the request to the last byte. */
    private static double fetch(ProxySide side, String path, long expected) throws Exception {
        AtomicLong bytes = new AtomicLong();
        CompletableFuture<Result> done = new CompletableFuture<>();
        long t0 = System.nanoTime();
        side.request(path).timeout(10, TimeUnit.MINUTES)
                .onResponseContent((response, chunk) -> bytes.addAndGet(chunk.remaining()))
                .send(done::complete);
        Result result = done.get(11, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (result.isFailed() || result.getResponse().getStatus() != 200 || bytes.get() != expected) {
            throw new IllegalStateException(side.label() + ": download of " + path + " ended with " + result.getResponse().getStatus()
                    + ", " + bytes.get() + " of " + expected + " bytes" + (result.isFailed() ? ", " + result.getFailure() : "")
                    + (result.getResponse().getHeaders().contains("Content-Encoding") ? " (compressed)" : ""));
        }
        return seconds;
    }

    private static void note(String phase) {
        try {
            String load = Files.readString(Path.of("/proc/loadavg")).split(" ", 4)[0];
            System.out.printf("proxy: %s start; load average %s%n", phase, load);
        } catch (java.io.IOException e) {
            // no /proc: nothing to note
        }
    }

    /** The highest RSS of a process while it runs, read every 50 ms on a thread of its own. */
    private static final class RssSampler {
        private final AtomicLong peak = new AtomicLong(-1);
        private final Thread thread;
        private volatile boolean running = true;

        RssSampler(long pid) {
            thread = new Thread(() -> {
                while (running) {
                    peak.accumulateAndGet(Rss.current(pid), Math::max);
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "rss-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        long stop() throws InterruptedException {
            running = false;
            thread.interrupt();
            thread.join(1000);
            return peak.get();
        }
    }
}
