package org.labhub.bench;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Time from {@code java -jar labhub.jar run} to the first 200 from {@code /api/health}: on a new data root (creates the
 * catalog, migrates, hashes the first admin password) and again on the same root (restart). Baseline in the same run:
 * a bare JVM serving /api/health with the JDK's HTTP server, timed the same way. The three are interleaved.
 */
final class StartupBench {
    private static final double TARGET_SECONDS = 3.0;
    private static final long TARGET_RSS_KIB = 200 * 1024;

    private StartupBench() {}

    static void run(Map<String, String> args) throws Exception {
        String java = args.getOrDefault("java", "java");
        List<String> opts = Arrays.stream(args.getOrDefault("java-opts", "").trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
        Path hubJar = Path.of(args.get("hub-jar")).toAbsolutePath();
        Path benchJar = Path.of(args.get("bench-jar")).toAbsolutePath();
        Path tmp = Path.of(args.get("tmp")).toAbsolutePath();
        int runs = Integer.parseInt(args.getOrDefault("runs", "5"));
        HttpClient client = Http.client();

        List<Double> cold = new ArrayList<>();
        List<Double> restart = new ArrayList<>();
        List<Double> bare = new ArrayList<>();
        List<Double> version = new ArrayList<>();
        List<Double> coldRss = new ArrayList<>();
        List<Double> restartRss = new ArrayList<>();
        List<Double> bareRss = new ArrayList<>();
        List<Double> stops = new ArrayList<>();
        for (int i = 1; i <= runs; i++) {
            version.add(timeToExit(command(java, opts, "-version")));

            try (Launched b = Launched.start(command(java, opts, "-cp", benchJar.toString(), BareHealth.class.getName()),
                    tmp.resolve("bare-" + i + ".log"), client)) {
                bare.add(b.secondsToHealthy());
                bareRss.add((double) b.rssAtHealthyKib());
            }

            Path data = tmp.resolve("startup-" + i);
            Files.createDirectories(data);
            List<String> hub = command(java, opts, "-jar", hubJar.toString(), "run", "--data", data.toString(), "--port", "0",
                    "--bind", "127.0.0.1");
            double stopSeconds;
            try (Launched h = Launched.start(hub, tmp.resolve("startup-" + i + ".log"), client)) {
                cold.add(h.secondsToHealthy());
                coldRss.add((double) h.rssAtHealthyKib());
                stopSeconds = h.stop();
            }
            stops.add(stopSeconds);
            try (Launched h = Launched.start(hub, tmp.resolve("startup-" + i + ".log"), client)) {
                restart.add(h.secondsToHealthy());
                restartRss.add((double) h.rssAtHealthyKib());
                stops.add(h.stop());
            }
            System.out.printf("startup:   run %d: cold %s, restart %s, bare JVM %s, java -version %s; RSS at first 200: cold %s, restart %s, bare %s%n",
                    i, Stats.sec(cold.get(i - 1)), Stats.sec(restart.get(i - 1)), Stats.sec(bare.get(i - 1)),
                    Stats.sec(version.get(i - 1)), Stats.mib(coldRss.get(i - 1).longValue()),
                    Stats.mib(restartRss.get(i - 1).longValue()), Stats.mib(bareRss.get(i - 1).longValue()));
        }

        double c = Stats.median(cold);
        double r = Stats.median(restart);
        double b = Stats.median(bare);
        System.out.printf("startup: cold start (new data root) to /api/health 200: %s (median of %d, min %s, max %s); "
                        + "restart (existing data root): %s (min %s, max %s); baseline bare JVM + JDK HttpServer: %s; ratio cold %s, restart %s%n",
                Stats.sec(c), runs, Stats.sec(Stats.min(cold)), Stats.sec(Stats.max(cold)), Stats.sec(r), Stats.sec(Stats.min(restart)),
                Stats.sec(Stats.max(restart)), Stats.sec(b), Stats.ratio(c, b), Stats.ratio(r, b));
        System.out.printf("startup: java -version alone: %s (median); SIGTERM to exit: %s (median of %d)%n",
                Stats.sec(Stats.median(version)), Stats.sec(Stats.median(stops)), stops.size());
        long cr = (long) Stats.median(coldRss);
        long rr = (long) Stats.median(restartRss);
        long br = (long) Stats.median(bareRss);
        System.out.printf("startup: RSS at the first 200: cold %s, restart %s (medians); baseline bare JVM %s; ratio cold %s%n",
                Stats.mib(cr), Stats.mib(rr), Stats.mib(br), Stats.ratio(cr, br));
        System.out.printf("startup: target < %.0f s to healthy: %s (cold %s, restart %s); target < 200 MiB RSS at start: %s%n",
                TARGET_SECONDS, c < TARGET_SECONDS && r < TARGET_SECONDS ? "met" : "MISSED", Stats.sec(c), Stats.sec(r),
                Math.max(cr, rr) < TARGET_RSS_KIB ? "met" : "MISSED");
    }

    private static List<String> command(String java, List<String> opts, String... rest) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(opts);
        cmd.addAll(List.of(rest));
        return cmd;
    }

    private static double timeToExit(List<String> command) throws Exception {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not exit in 30 s");
        }
        return (System.nanoTime() - t0) / 1e9;
    }
}
