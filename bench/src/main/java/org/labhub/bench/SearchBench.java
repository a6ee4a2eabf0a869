package org.labhub.bench;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code search}: labhub's /api/search against ripgrep over the same files (what a user would otherwise run), in three
 * steps that bench/run.sh calls around stopping and starting the hub: {@code search-setup} (50 accounts, each sharing
 * two of its five project folders with the reader u00), {@code search-corpus} (10,000 notebooks and 10,000 other files
 * written into the homes, hub stopped), and {@code search} (query latency for 20 typical queries against rg, then
 * freshness under load: 100 files a second for 60 s, lag from write to searchable).
 */
final class SearchBench {
    static final String READER = "u00";
    private static final int SHARED_PROJECTS = 2;
    private static final Pattern PATH = Pattern.compile("\"path\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern TOTAL = Pattern.compile("\"total\"\\s*:\\s*(\\d+)");

    /** A query as a user types it into labhub, its kind (for the summary per kind), and the ripgrep arguments that ask the same of the files. */
    record Query(String kind, String labhub, String... rg) {}

    /**
     * Twenty typical queries: a few broad (common words, matching thousands of files), most selective (a topic, a
     * project's code name, a function, a phrase, owner and language filters, a prefix, a file name), as people search
     * a lab's files. Names come from the corpus tables (same seed, same names).
     */
    static final List<Query> QUERIES = queries();

    private static List<Query> queries() {
        String topic1 = SearchCorpus.topics(7, 0)[0];
        String topic2 = SearchCorpus.topics(23, 1)[1];
        String[] pair = SearchCorpus.topics(0, 2);
        String project1 = SearchCorpus.codename(7, 0);
        String project2 = SearchCorpus.codename(31, 1);
        String fn1 = SearchCorpus.function(12, 0, 0);
        String fn2 = SearchCorpus.function(0, 3, 1);
        return List.of(
                new Query("broad", "regression", "-i", "-w", "regression"),
                new Query("broad", "histogram", "-i", "-w", "histogram"),
                new Query("broad", "\"import pandas\"", "-i", "import pandas"),
                new Query("broad", "bayesian posterior", "-i", "-w", "-e", "bayesian", "-e", "posterior"),
                new Query("topic", "zebrafish", "-i", "-w", "zebrafish"),
                new Query("topic", topic1, "-i", "-w", topic1),
                new Query("topic", topic2, "-i", "-w", topic2),
                new Query("topic", pair[0] + " " + pair[1], "-i", "-w", "-e", pair[0], "-e", pair[1]),
                new Query("project", SearchCorpus.capitalize(project1), "-i", "-w", project1),
                new Query("project", project2 + " baseline", "-i", "-w", "-e", project2, "-e", "baseline"),
                new Query("function", fn1, "-i", fn1),
                new Query("function", fn2, "-i", fn2),
                new Query("function", "ttest_ind", "-i", "ttest_ind"),
                new Query("phrase", "\"mean squared error\"", "-i", "mean squared error"),
                new Query("phrase", "\"interquartile range\"", "-i", "interquartile range"),
                new Query("filter", "owner:u07 lang:r anova", "-i", "-w", "anova", "--glob", "*.R", "--glob", "*.ipynb"),
                new Query("filter", "owner:u31 kmeans", "-i", "-w", "kmeans"),
                new Query("prefix", "microscop*", "-i", "\\bmicroscop\\w*"),
                new Query("prefix", "spectro*", "-i", "\\bspectro\\w*"),
                new Query("name", "name:calibration*", "-i", "--files", "--glob", "*calibration*"));
    }

    private SearchBench() {}

    /** Accounts, one files token each, and the shares to the reader; the tokens are kept for the later steps. */
    static void setup(Map<String, String> args) throws Exception {
        Path data = Path.of(args.get("data"));
        int users = Integer.parseInt(args.getOrDefault("users", "50"));
        HttpClient client = Http.client();
        String base = args.get("url");
        HubSetup setup = new HubSetup(client, base, data);
        List<String> names = SearchCorpus.users(users);
        long t0 = System.nanoTime();
        setup.createUsers(names, "bench-password-" + Long.toHexString(System.nanoTime()));
        Map<String, String> tokens = setup.tokens(names, "files", "read");
        int shares = 0;
        for (String owner : names.subList(1, names.size())) {
            for (int p = 0; p < SHARED_PROJECTS; p++) {
                Files.createDirectories(data.resolve("homes").resolve(owner).resolve("projects/p" + p));
                HubSetup.expect(Http.send(client, Http.postJson(base + "/api/shares",
                        "{\"path\":\"projects/p" + p + "\",\"kind\":\"user\",\"with\":\"" + READER + "\"}", "token " + tokens.get(owner))),
                        201, "share of " + owner);
                shares++;
            }
        }
        Files.writeString(Path.of(args.get("token-file")), tokens.get(READER));
        System.out.printf("search: %d accounts, %d shares to %s (%s)%n", users, shares, READER, Stats.sec((System.nanoTime() - t0) / 1e9));
    }

    /** Writes the corpus into the homes (the hub is stopped, as if the files had been there before). */
    static void corpus(Map<String, String> args) throws Exception {
        Path homes = Path.of(args.get("data")).resolve("homes");
        int users = Integer.parseInt(args.getOrDefault("users", "50"));
        int notebooks = Integer.parseInt(args.getOrDefault("notebooks", "10000"));
        int others = Integer.parseInt(args.getOrDefault("others", "10000"));
        SearchCorpus corpus = new SearchCorpus(42);
        long t0 = System.nanoTime();
        long bytes = 0;
        List<String> names = SearchCorpus.users(users);
        for (int u = 0; u < names.size(); u++) {
            bytes += corpus.writeHome(homes.resolve(names.get(u)), u, notebooks / users, others / users);
        }
        System.out.printf("search: corpus of %d notebooks and %d other files across %d users, %.0f MB, written in %s%n",
                notebooks, others, users, bytes / 1e6, Stats.sec((System.nanoTime() - t0) / 1e9));
    }

    /** Query latency against ripgrep, then freshness under load. */
    static void run(Map<String, String> args) throws Exception {
        Path data = Path.of(args.get("data"));
        String base = args.get("url");
        String token = Files.readString(Path.of(args.get("token-file"))).trim();
        String rg = args.getOrDefault("rg", "rg");
        int reps = Integer.parseInt(args.getOrDefault("reps", "10"));
        int users = Integer.parseInt(args.getOrDefault("users", "50"));
        HttpClient client = Http.client();
        awaitCaughtUp(client, base, token);

        List<Path> visible = new ArrayList<>(List.of(data.resolve("homes").resolve(READER)));
        for (String owner : SearchCorpus.users(users).subList(1, users)) {
            for (int p = 0; p < SHARED_PROJECTS; p++) {
                visible.add(data.resolve("homes").resolve(owner).resolve("projects/p" + p));
            }
        }
        List<Double> all = new ArrayList<>();
        List<Double> allRg = new ArrayList<>();
        Map<String, List<Double>> byKind = new java.util.LinkedHashMap<>();
        System.out.printf("search: %d queries as %s (own home and %d shared folders), %d timed runs each after one warm-up;"
                + " ripgrep %s over the same %d folders%n", QUERIES.size(), READER, visible.size() - 1, reps, rgVersion(rg), visible.size());
        System.out.printf("  %-9s %-34s %8s %10s %10s %10s %8s %9s%n", "kind", "query", "hits", "p50", "p95", "rg p50", "rg files", "rg/labhub");
        for (Query q : QUERIES) {
            List<Double> times = new ArrayList<>();
            long total = 0;
            for (int i = 0; i <= reps; i++) {
                long t = System.nanoTime();
                HttpResponse<String> r = Http.send(client, Http.request(base + "/api/search?q=" + enc(q.labhub()) + "&size=20")
                        .header("Authorization", "token " + token).build());
                double s = (System.nanoTime() - t) / 1e9;
                HubSetup.expect(r, 200, "search " + q.labhub());
                total = total(r.body());
                if (i > 0) {
                    times.add(s);
                }
            }
            List<Double> rgTimes = new ArrayList<>();
            int rgFiles = 0;
            for (int i = 0; i <= Math.max(1, reps / 5); i++) {
                long t = System.nanoTime();
                rgFiles = ripgrep(rg, q, visible);
                if (i > 0) {
                    rgTimes.add((System.nanoTime() - t) / 1e9);
                }
            }
            all.addAll(times);
            byKind.computeIfAbsent(q.kind(), k -> new ArrayList<>()).addAll(times);
            allRg.addAll(rgTimes);
            double p50 = Stats.median(times);
            System.out.printf("  %-9s %-34s %8d %10s %10s %10s %8d %8.0fx%n", q.kind(), q.labhub(), total, Stats.ms(p50),
                    Stats.ms(Stats.percentile(times, 95)), Stats.ms(Stats.median(rgTimes)), rgFiles, Stats.median(rgTimes) / p50);
        }
        byKind.forEach((kind, times) -> System.out.printf("search: %-9s queries: p50 %s, p95 %s over %d runs%n", kind,
                Stats.ms(Stats.median(times)), Stats.ms(Stats.percentile(times, 95)), times.size()));
        double p95 = Stats.percentile(all, 95);
        double ratio = Stats.median(allRg) / Stats.median(all);
        System.out.printf("search: all queries: labhub p50 %s, p95 %s (aim < 20 ms: %s); ripgrep p50 %s; ripgrep / labhub %.0fx at the"
                        + " median (aim >= 100x: %s)%n", Stats.ms(Stats.median(all)), Stats.ms(p95), p95 < 0.020 ? "met" : "MISSED",
                Stats.ms(Stats.median(allRg)), ratio, ratio >= 100 ? "met" : "MISSED");

        freshness(client, base, token, data.resolve("homes").resolve(READER).resolve("fresh"),
                Integer.parseInt(args.getOrDefault("rate", "100")), Integer.parseInt(args.getOrDefault("seconds", "60")));
    }

    /**
     * Writes {@code rate} files a second for {@code seconds} straight into the reader's home (as a notebook container
     * would), each with a word of its own, while a poller asks for the oldest words not yet found (up to 64 in one
     * OR query, every 50 ms); the lag is from the write to the poll that found it.
     */
    private static void freshness(HttpClient client, String base, String token, Path dir, int rate, int seconds) throws Exception {
        Files.createDirectories(dir);
        Map<Integer, Long> written = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<Integer> pending = new ConcurrentLinkedQueue<>();
        int count = rate * seconds;
        List<Double> lags = new ArrayList<>();
        Thread writer = new Thread(() -> {
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                long due = start + (long) (i * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Http.sleep(java.time.Duration.ofNanos(wait));
                }
                try {
                    Files.writeString(dir.resolve("f" + i + ".txt"), "fresh file " + i + " freshtok" + i + " written under load\n");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                written.put(i, System.nanoTime());
                pending.add(i);
            }
        }, "writer");
        long t0 = System.nanoTime();
        writer.start();
        List<Integer> open = new ArrayList<>();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(seconds + 30);
        int queries = 0;
        while ((writer.isAlive() || !pending.isEmpty() || !open.isEmpty()) && System.nanoTime() < deadline) {
            for (Integer i; (i = pending.poll()) != null; ) {
                open.add(i);
            }
            if (open.isEmpty()) {
                Thread.sleep(10);
                continue;
            }
            List<Integer> ask = open.subList(0, Math.min(64, open.size()));
            StringBuilder q = new StringBuilder();
            for (int i : ask) {
                q.append(q.length() == 0 ? "" : " OR ").append("freshtok").append(i);
            }
            HttpResponse<String> r = Http.send(client, Http.request(base + "/api/search?q=" + enc(q.toString()) + "&size=100")
                    .header("Authorization", "token " + token).build());
            queries++;
            long now = System.nanoTime();
            HubSetup.expect(r, 200, "freshness poll");
            Matcher m = PATH.matcher(r.body());
            java.util.Set<Integer> found = new java.util.HashSet<>();
            while (m.find()) {
                String p = m.group(1);
                int slash = p.lastIndexOf('/');
                String name = p.substring(slash + 1);
                if (name.startsWith("f") && name.endsWith(".txt")) {
                    found.add(Integer.parseInt(name.substring(1, name.length() - 4)));
                }
            }
            for (java.util.Iterator<Integer> it = open.iterator(); it.hasNext(); ) {
                int i = it.next();
                if (found.contains(i)) {
                    lags.add((now - written.get(i)) / 1e9);
                    it.remove();
                }
            }
            Thread.sleep(50);
        }
        writer.join();
        double p95 = lags.isEmpty() ? Double.NaN : Stats.percentile(lags, 95);
        System.out.printf("search: freshness under load: %d files written at %d/s for %d s; %d found, %d not within 30 s after the"
                        + " last write; lag write -> searchable p50 %s, p95 %s, max %s (aim p95 < 5 s: %s); %d polls%n",
                count, rate, seconds, lags.size(), count - lags.size(), lags.isEmpty() ? "-" : Stats.sec(Stats.median(lags)),
                lags.isEmpty() ? "-" : Stats.sec(p95), lags.isEmpty() ? "-" : Stats.sec(Stats.max(lags)),
                p95 < 5 && lags.size() == count ? "met" : "MISSED", queries);
    }

    /** The hub reconciles (or builds) its index at start; measuring before it is done would time an incomplete index. */
    private static void awaitCaughtUp(HttpClient client, String base, String token) throws Exception {
        long t0 = System.nanoTime();
        while (true) {
            HttpResponse<String> r = Http.send(client, Http.request(base + "/api/search?q=data").header("Authorization", "token " + token).build());
            HubSetup.expect(r, 200, "search");
            if (!r.body().contains("\"catching_up\":true")) {
                System.out.printf("search: the hub's index was current %s after it answered%n", Stats.sec((System.nanoTime() - t0) / 1e9));
                return;
            }
            if (System.nanoTime() - t0 > TimeUnit.MINUTES.toNanos(20)) {
                throw new IOException("the hub was still catching up after 20 minutes");
            }
            Thread.sleep(200);
        }
    }

    /** Runs ripgrep as a user would (files with a match, -l), returning how many files matched. */
    private static int ripgrep(String rg, Query q, List<Path> dirs) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(rg, "--no-messages"));
        boolean filesMode = List.of(q.rg()).contains("--files");
        if (!filesMode) {
            cmd.add("-l");
        }
        List<String> args = new ArrayList<>(List.of(q.rg()));
        boolean hasE = args.contains("-e");
        if (!hasE && !filesMode) {
            // The last argument is the pattern: keep it before the folders.
            String pattern = args.remove(args.size() - 1);
            cmd.addAll(args);
            cmd.add("-e");
            cmd.add(pattern);
        } else {
            cmd.addAll(args);
        }
        dirs.forEach(d -> cmd.add(d.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        int lines = 0;
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            while (in.readLine() != null) {
                lines++;
            }
        }
        p.waitFor();
        return lines;
    }

    private static String rgVersion(String rg) {
        try {
            Process p = new ProcessBuilder(rg, "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("?");
            p.waitFor();
            return v;
        } catch (Exception e) {
            return "?";
        }
    }

    private static long total(String body) {
        Matcher m = TOTAL.matcher(body);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

}
