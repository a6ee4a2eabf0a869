package org.labhub.bench;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.stream.IntStream;

/**
 * How long a notebook server takes to start through the hub, against the same image started by hand with
 * {@code podman run -d} and the same hardening flags (kernels/README.md), in the same run: one at a time, ten at
 * once (with the hub's default of 4 concurrent spawns and with 10), and what each running server costs the hub's memory.
 * Two hubs run side by side, each on its own data root, so the three sides can be interleaved.
 */
final class SpawnBench {
    private static final double TARGET_RATIO = 1.15;
    private static final long TARGET_KIB_PER_SERVER = 1024;
    /** A pause before each timed start, so the previous removal's clean-up (conmon, cgroups) does not fall into it. */
    private static final Duration SETTLE = Duration.ofMillis(500);
    /** How long the hub is left alone before its memory is read. */
    private static final Duration AT_REST = Duration.ofSeconds(3);

    private SpawnBench() {}

    static void run(Map<String, String> args) throws Exception {
        String java = args.getOrDefault("java", "java");
        List<String> opts = Arrays.stream(args.getOrDefault("java-opts", "").trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
        Path hubJar = Path.of(args.get("hub-jar")).toAbsolutePath();
        Path tmp = Path.of(args.get("tmp")).toAbsolutePath();
        String image = args.getOrDefault("image", "localhost/labhub/kernel-minimal:latest");
        String podman = args.getOrDefault("podman", "podman");
        String runId = args.getOrDefault("run-id", Long.toString(ProcessHandle.current().pid()));
        int runs = Integer.parseInt(args.getOrDefault("runs", "10"));
        int users = Integer.parseInt(args.getOrDefault("users", "10"));
        int rounds = Integer.parseInt(args.getOrDefault("rounds", "3"));
        String jcmd = JvmMemory.jcmdBeside(java);
        HttpClient client = Http.client();

        List<String> names = IntStream.rangeClosed(1, users).mapToObj(i -> String.format(Locale.ROOT, "s%02d", i)).toList();
        List<Integer> burstSlots = IntStream.rangeClosed(1, users).boxed().toList();
        RawNotebooks raw = new RawNotebooks(podman, image, tmp.resolve("spawn-raw"), runId);
        raw.prepare(users + 1);

        List<String> hubIds = new ArrayList<>();
        // Ctrl-C, or a failure anywhere: no container of this run may outlive it.
        Thread cleanup = new Thread(() -> {
            raw.close();
            hubIds.forEach(id -> SpawnHub.removeContainers(podman, id));
        }, "spawn-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);

        long t0 = System.nanoTime();
        try (SpawnHub four = launch("labhub, default 4 at a time", java, opts, hubJar, tmp, "spawn-4", Map.of(), client, names, podman);
             SpawnHub ten = launch("labhub, 10 at a time", java, opts, hubJar, tmp, "spawn-10",
                     Map.of("LABHUB_SPAWNER_MAX_CONCURRENT_SPAWNS", "10"), client, names, podman)) {
            hubIds.add(four.hubId());
            hubIds.add(ten.hubId());
            System.out.printf("spawn: setup: two hubs (spawner.max_concurrent_spawns 4, the default, and 10), %d accounts each "
                            + "with a servers token, %d raw homes; %s; not part of the measurement%n",
                    users, users + 1, Stats.sec((System.nanoTime() - t0) / 1e9));

            // The first start of each side pays for class loading and JIT in the hub, and for Podman's caches.
            double warmRaw = raw.start(0);
            raw.remove(List.of(0));
            double warmFour = four.start(names.get(0)).seconds();
            four.stop(names.get(0));
            double warmTen = ten.start(names.get(0)).seconds();
            ten.stop(names.get(0));
            System.out.printf("spawn:   warm-up (not counted): raw %s, labhub %s and %s (first start after the hub started)%n",
                    Stats.sec(warmRaw), Stats.sec(warmFour), Stats.sec(warmTen));

            sequential(four, raw, names.get(0), runs);
            bursts(four, ten, raw, names, burstSlots, rounds);
            memory(four, jcmd, names);
        } finally {
            Runtime.getRuntime().removeShutdownHook(cleanup);
            cleanup.run();
        }
    }

    private static SpawnHub launch(String label, String java, List<String> opts, Path hubJar, Path tmp, String name,
                                   Map<String, String> settings, HttpClient client, List<String> users, String podman) throws Exception {
        Path data = tmp.resolve(name);
        Files.createDirectories(data);
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(opts);
        cmd.addAll(List.of("-jar", hubJar.toString(), "run", "--data", data.toString(), "--port", "0", "--bind", "127.0.0.1"));
        return SpawnHub.launch(label, cmd, settings, data, tmp.resolve(name + ".log"), client, users, podman);
    }

    /** One user's server, started and stopped {@code runs} times, interleaved with as many raw starts. */
    private static void sequential(SpawnHub hub, RawNotebooks raw, String user, int runs) throws Exception {
        List<Double> rawStart = new ArrayList<>();
        List<Double> rawRemove = new ArrayList<>();
        List<Double> hubStart = new ArrayList<>();
        List<Double> hubStop = new ArrayList<>();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 1; i <= runs; i++) {
            Http.sleep(SETTLE);
            rawStart.add(raw.start(0));
            rawRemove.add(raw.remove(List.of(0)));
            Http.sleep(SETTLE);
            SpawnHub.Started s = hub.start(user);
            hubStart.add(s.seconds());
            statuses.add(s.status());
            hubStop.add(hub.stop(user));
            System.out.printf("spawn:   run %2d: raw podman run -d to /api/status 200 %s (podman rm -f -t 0 %s) | labhub POST to %d %s (DELETE to 204 %s)%n",
                    i, Stats.sec(rawStart.get(i - 1)), Stats.sec(rawRemove.get(i - 1)), s.status(), Stats.sec(s.seconds()),
                    Stats.sec(hubStop.get(i - 1)));
        }
        double hp50 = Stats.percentile(hubStart, 50);
        double hp95 = Stats.percentile(hubStart, 95);
        double rp50 = Stats.percentile(rawStart, 50);
        double rp95 = Stats.percentile(rawStart, 95);
        System.out.printf("spawn: one server at a time, %d runs each, interleaved: labhub POST /api/users/<name>/server to 201 "
                        + "p50 %s p95 %s (min %s); baseline raw podman run -d to /api/status 200 over the socket p50 %s p95 %s (min %s); "
                        + "ratio p50 %s, p95 %s%n",
                runs, Stats.sec(hp50), Stats.sec(hp95), Stats.sec(Stats.min(hubStart)), Stats.sec(rp50), Stats.sec(rp95),
                Stats.sec(Stats.min(rawStart)), Stats.ratio(hp50, rp50), Stats.ratio(hp95, rp95));
        System.out.printf("spawn: stopping, not in the ratio: labhub DELETE to 204 (graceful stop, then remove) median %s; "
                + "raw podman rm -f -t 0 median %s%n", Stats.sec(Stats.median(hubStop)), Stats.sec(Stats.median(rawRemove)));
        System.out.printf("spawn: target p50 ratio <= %.2f: %s (%s)%s%n", TARGET_RATIO, hp50 / rp50 <= TARGET_RATIO ? "met" : "MISSED",
                Stats.ratio(hp50, rp50), statuses.stream().allMatch(c -> c == 201) ? "" : "; some starts answered 202 (ready later than 10 s)");
    }

    /**
     * Ten users at once: raw, then each hub, in an order that turns every round. Each side's ten servers are
     * removed (raw) or stopped through the API (labhub) before the next side starts.
     */
    private static void bursts(SpawnHub four, SpawnHub ten, RawNotebooks raw, List<String> names, List<Integer> slots, int rounds)
            throws Exception {
        int n = names.size();
        List<Double> rawTotals = new ArrayList<>();
        List<Double> fourTotals = new ArrayList<>();
        List<Double> tenTotals = new ArrayList<>();
        try (Burst burst = new Burst(n)) {
            for (int r = 1; r <= rounds; r++) {
                Burst.Result[] results = new Burst.Result[3];
                for (int k = 0; k < 3; k++) {
                    int side = (k + r - 1) % 3;
                    Http.sleep(SETTLE);
                    if (side == 0) {
                        results[0] = burst.fire(n, i -> {
                            raw.start(slots.get(i));
                            return "200";
                        });
                        raw.remove(slots);
                    } else {
                        SpawnHub hub = side == 1 ? four : ten;
                        results[side] = burst.fire(n, i -> Integer.toString(hub.start(names.get(i)).status()));
                        Burst.Result stopped = burst.fire(n, i -> {
                            hub.stop(names.get(i));
                            return "204";
                        });
                        if (!stopped.all("204")) {
                            throw new IllegalStateException(hub.label() + ": stopping the burst's servers failed: " + stopped.outcomes());
                        }
                    }
                }
                for (int side = 0; side < 3; side++) {
                    if (!results[side].outcomes().keySet().stream().allMatch(o -> o.equals("200") || o.equals("201") || o.equals("202"))) {
                        throw new IllegalStateException("round " + r + ": not every server became ready: " + results[side].outcomes());
                    }
                }
                rawTotals.add(results[0].totalSeconds());
                fourTotals.add(results[1].totalSeconds());
                tenTotals.add(results[2].totalSeconds());
                System.out.printf("spawn:   round %d (%s first): raw all ready %s (each p50 %s) | labhub 4 at a time %s (each p50 %s, %s) "
                                + "| labhub 10 at a time %s (each p50 %s, %s)%n",
                        r, List.of("raw", "labhub 4", "labhub 10").get((r - 1) % 3), Stats.sec(results[0].totalSeconds()),
                        Stats.sec(results[0].p50()), Stats.sec(results[1].totalSeconds()), Stats.sec(results[1].p50()),
                        answers(results[1]), Stats.sec(results[2].totalSeconds()), Stats.sec(results[2].p50()), answers(results[2]));
            }
        }
        double rawT = Stats.median(rawTotals);
        double fourT = Stats.median(fourTotals);
        double tenT = Stats.median(tenTotals);
        System.out.printf("spawn: %d users at once, request to all %d ready (median of %d rounds): baseline %d raw podman run -d in parallel %s; "
                        + "labhub with spawner.max_concurrent_spawns 4 (default) %s, ratio %s; with max_concurrent_spawns 10 %s, ratio %s%n",
                n, n, rounds, n, Stats.sec(rawT), Stats.sec(fourT), Stats.ratio(fourT, rawT), Stats.sec(tenT), Stats.ratio(tenT, rawT));
        System.out.printf("spawn: (4 at a time: the default lets 4 containers start at once and queues the other %d, so it trades total "
                + "time for a bounded load; 10 at a time starts all at once, as the raw baseline does)%n", n - 4);
    }

    /** The hub's memory at rest with no server, with all users' servers running, and after they stopped. */
    private static void memory(SpawnHub hub, String jcmd, List<String> names) throws Exception {
        int n = names.size();
        Http.sleep(AT_REST);
        JvmMemory before = JvmMemory.read(jcmd, hub.pid());
        long podmanBefore = hub.podmanServiceRssKib();
        try (Burst burst = new Burst(n)) {
            Burst.Result started = burst.fire(n, i -> Integer.toString(hub.start(names.get(i)).status()));
            if (!started.outcomes().keySet().stream().allMatch(o -> o.equals("201") || o.equals("202"))) {
                throw new IllegalStateException("memory: not every server started: " + started.outcomes());
            }
            Http.sleep(AT_REST);
            JvmMemory with = JvmMemory.read(jcmd, hub.pid());
            long podmanWith = hub.podmanServiceRssKib();
            Burst.Result stopped = burst.fire(n, i -> {
                hub.stop(names.get(i));
                return "204";
            });
            if (!stopped.all("204")) {
                throw new IllegalStateException("memory: stopping failed: " + stopped.outcomes());
            }
            Http.sleep(AT_REST);
            JvmMemory after = JvmMemory.read(jcmd, hub.pid());
            Function<JvmMemory, String> show = m -> String.format(Locale.ROOT,
                    "live heap %d KiB, heap committed %d KiB, used %d KiB, RSS %d KiB (outside the heap %d KiB), %d threads",
                    m.liveHeapKib(), m.heapCommittedKib(), m.heapUsedKib(), m.rssKib(), m.outsideHeapKib(), m.threads());
            System.out.printf("spawn: memory of the hub (%s) after a full GC, %s at rest: 0 servers: %s | %d running: %s | "
                    + "after they stopped: %s%n", hub.label(), Stats.sec(AT_REST.toMillis() / 1000.0), show.apply(before), n,
                    show.apply(with), show.apply(after));
            double live = perServer(with, before, n, JvmMemory::liveHeapKib);
            double rss = perServer(with, before, n, JvmMemory::rssKib);
            double outside = perServer(with, before, n, JvmMemory::outsideHeapKib);
            System.out.printf(Locale.ROOT, "spawn: memory per running server, (with %d - with 0) / %d: live heap %+.0f KiB, RSS %+.0f KiB, "
                            + "RSS outside the heap %+.0f KiB; the same against the reading after they stopped: %+.0f, %+.0f, %+.0f KiB%n",
                    n, n, live, rss, outside, perServer(with, after, n, JvmMemory::liveHeapKib),
                    perServer(with, after, n, JvmMemory::rssKib), perServer(with, after, n, JvmMemory::outsideHeapKib));
            double worst = Math.max(live, Math.max(rss, outside));
            System.out.printf(Locale.ROOT, "spawn: target < 1 MiB per running server: %s (largest of the three: %+.0f KiB; RSS moves by "
                    + "MiBs between full GCs as G1 resizes the heap, the live heap is exact to a few KiB)%n",
                    worst < TARGET_KIB_PER_SERVER ? "met" : "MISSED", worst);
            System.out.printf(Locale.ROOT, "spawn: not the hub's JVM, for scale: its podman system service RSS %d KiB with 0 servers, "
                    + "%d KiB with %d (%+.0f KiB per server)%n", podmanBefore, podmanWith, n, (podmanWith - podmanBefore) / (double) n);
        }
    }

    private static double perServer(JvmMemory with, JvmMemory without, int n, ToLongFunction<JvmMemory> f) {
        return (f.applyAsLong(with) - f.applyAsLong(without)) / (double) n;
    }

    private static String answers(Burst.Result r) {
        return r.outcomes().entrySet().stream().map(e -> e.getValue() + "×" + e.getKey()).reduce((a, b) -> a + ", " + b).orElse("none");
    }
}
