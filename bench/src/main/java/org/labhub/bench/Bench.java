package org.labhub.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Entry point of bench/run.sh's load generators: {@code startup}, {@code api-users}, {@code login}, {@code spawn}, {@code proxy}, {@code webdav}, {@code search} (with {@code search-setup} and {@code search-corpus}) or {@code preserve}, with --key value options. */
public final class Bench {
    private Bench() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: java -jar labhub-bench.jar startup|api-users|login|spawn|proxy|webdav|search-setup|search-corpus|search|preserve --key value …  (bench/run.sh passes them)");
            System.exit(2);
        }
        Map<String, String> options = options(Arrays.copyOfRange(args, 1, args.length));
        switch (args[0]) {
            case "startup" -> StartupBench.run(options);
            case "api-users" -> ApiUsersBench.run(options);
            case "login" -> LoginBench.run(options);
            case "spawn" -> SpawnBench.run(options);
            case "proxy" -> ProxyBench.run(options);
            case "webdav" -> WebDavBench.run(options);
            case "search-setup" -> SearchBench.setup(options);
            case "search-corpus" -> SearchBench.corpus(options);
            case "search" -> SearchBench.run(options);
            case "preserve" -> PreserveBench.run(options);
            default -> {
                System.err.println("unknown benchmark " + args[0]);
                System.exit(2);
            }
        }
        System.exit(0);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --key value, got " + args[i]);
            }
            out.put(args[i].substring(2), args[++i]);
        }
        return out;
    }
}
