package org.labhub.smoke;

import java.net.URI;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * What the steps of one run share: the hub, the names this run made up (unique per run, so reruns against one
 * hub never collide), the actors, and what earlier steps produced and later ones (and the cleanup) need.
 */
final class Context {
    private static final SecureRandom RANDOM = new SecureRandom();

    final Options options;
    final Deadline deadline;
    final Optional<SSLContext> tls;
    final String run = HexFormat.of().formatHex(RANDOM.generateSeed(4));
    final String user1 = "smoke-" + run + "-a";
    final String user2 = "smoke-" + run + "-b";
    /** A word nobody else's files contain: what the search step looks for. */
    final String word = "smokeword" + run;
    final String fileName = "smoke-" + run + ".txt";
    final String fileText = "labhub smoke test " + word + "\n";
    final String notebookName = "smoke-" + run + ".ipynb";

    Hub admin;
    Hub user1Browser;
    Hub user1Api;
    String user1Token;
    Hub user2Browser;
    String user2Token;
    String serverPath;
    String environment;
    boolean serverStarted;
    boolean serverStopped;
    /** Users this run created and has not deleted yet: the cleanup deletes them, even after a failure. */
    final List<String> created = new ArrayList<>();
    /** The passwords the admin gave the users it created (random, per run). */
    final Map<String, String> passwords = new HashMap<>();

    Context(Options options, Deadline deadline, Optional<SSLContext> tls) {
        this.options = options;
        this.deadline = deadline;
        this.tls = tls;
    }

    URI base() {
        return options.base();
    }

    Hub newBrowser() {
        return Hub.browser(options.base(), tls, deadline);
    }

    static String password() {
        return "Smoke-" + HexFormat.of().formatHex(RANDOM.generateSeed(12));
    }
}
