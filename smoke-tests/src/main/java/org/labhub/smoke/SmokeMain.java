package org.labhub.smoke;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * {@code labhub smoke}: a black-box check of a running hub, a real user's day from login to preserved notebook.
 * Exit 0 when every step passed, 1 when one failed, 2 for bad arguments.
 */
public final class SmokeMain {
    private SmokeMain() {}

    public static void main(String[] args) {
        // A hub closes idle connections after 30 s; ours go first, so no step is sent on one it is closing just then.
        System.setProperty("jdk.httpclient.keepalive.timeout", "20");
        System.exit(run(args));
    }

    static int run(String[] args) {
        for (String a : args) {
            if (a.equals("-h") || a.equals("--help")) {
                System.out.println(Options.USAGE);
                return 0;
            }
        }
        Options o;
        Optional<SSLContext> tls;
        try {
            o = Options.parse(args);
            tls = Tls.context(o);
        } catch (UsageError e) {
            System.err.println("labhub smoke: " + e.getMessage());
            System.err.println("labhub smoke: see labhub smoke --help");
            return 2;
        }
        Context c = new Context(o, new Deadline(o.timeout()), tls);
        System.out.printf("smoke: %s as %s, users %s and %s%n", o.base(), o.admin(), c.user1, c.user2);
        return new Runner(System.out, System.getenv("LABHUB_SMOKE_DEBUG") != null).run(steps(), c);
    }

    /** The steps of issue 8's packaging contract, in order; the last two also run as cleanup after a failure. */
    static List<Step> steps() {
        List<Step> s = new ArrayList<>(AccountSteps.all());
        s.add(ServerSteps.start());
        s.add(ServerSteps.cell());
        s.add(FileSteps.upload());
        s.add(FileSteps.share());
        s.add(FileSteps.search());
        s.add(PreserveSteps.preserve());
        s.add(ServerSteps.stop());
        s.add(CleanupSteps.deleteArchive());
        s.add(CleanupSteps.deleteUsers());
        return s;
    }
}
