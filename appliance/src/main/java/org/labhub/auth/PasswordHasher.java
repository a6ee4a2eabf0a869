package org.labhub.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.labhub.config.LabhubConfig;
import org.labhub.web.HttpError;

/**
 * Argon2id password hashes in the PHC string format ({@code $argon2id$v=19$m=…,t=…,p=1$salt$hash}).
 * At most {@code max_concurrent} hashes run at once, so a login flood costs bounded CPU and memory. At most
 * {@value #WAITING_PER_SLOT} callers per slot wait for one, each for at most {@value #MAX_WAIT_SECONDS} s; the others get
 * 503 at once instead of piling up. Each waiter holds a request thread: unbounded, a flood of bad logins held every
 * thread of the server and stalled even {@code /api/health} for seconds (bench/run.sh login, docs/benchmarks.md).
 */
public final class PasswordHasher {
    private static final Pattern PHC = Pattern.compile("\\$argon2id\\$v=19\\$m=(\\d+),t=(\\d+),p=(\\d+)\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    public static final int MIN_PASSWORD_LENGTH = 10;
    public static final int MAX_PASSWORD_LENGTH = 1024;
    static final int WAITING_PER_SLOT = 16;
    static final int MAX_WAIT_SECONDS = 10;
    private static final String BUSY = "the hub is busy checking passwords; try again in a moment";

    private final int memoryKib;
    private final int iterations;
    private final Semaphore slots;
    private final int maxWaiting;
    /** Callers inside {@link #compute} that do not hold a slot yet. */
    private final AtomicInteger waiting = new AtomicInteger();
    /**
     * Verified against when the account does not exist, so unknown names cost the same time as known ones.
     * Random salt and random "hash" with the configured costs: verifying costs exactly one Argon2id computation, and
     * nothing is computed at start-up (a real hash here cost every start one cold-JIT Argon2id run, about a second).
     */
    private final String decoy;

    public PasswordHasher(LabhubConfig.Argon2 cost) {
        this.memoryKib = cost.memoryKib();
        this.iterations = cost.iterations();
        this.slots = new Semaphore(cost.maxConcurrent(), true);
        this.maxWaiting = WAITING_PER_SLOT * cost.maxConcurrent();
        this.decoy = phc(Secrets.randomBytes(SALT_BYTES), Secrets.randomBytes(HASH_BYTES));
    }

    public String hash(String password) {
        byte[] salt = Secrets.randomBytes(SALT_BYTES);
        return phc(salt, compute(password, salt, memoryKib, iterations, 1, HASH_BYTES));
    }

    private String phc(byte[] salt, byte[] hash) {
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=1$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    /** True when {@code password} matches {@code stored}; with no stored hash, burns the same time and answers false. */
    public boolean verify(String password, String stored) {
        String phc = stored == null ? decoy : stored;
        Matcher m = PHC.matcher(phc);
        if (!m.matches()) {
            return false;
        }
        Base64.Decoder b64 = Base64.getDecoder();
        byte[] salt = b64.decode(m.group(4));
        byte[] expected = b64.decode(m.group(5));
        byte[] actual = compute(password, salt, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)), expected.length);
        return MessageDigest.isEqual(expected, actual) && stored != null;
    }

    /** True when a stored hash was made with other costs than the configured ones (rehash at next login). */
    public boolean needsRehash(String stored) {
        return stored == null || !stored.startsWith("$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=1$");
    }

    public static void checkStrength(String password, String userName) {
        if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
            throw HttpError.badRequest("a password needs at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        if (password.length() > MAX_PASSWORD_LENGTH) {
            throw HttpError.badRequest("a password may have at most " + MAX_PASSWORD_LENGTH + " characters");
        }
        if (password.equalsIgnoreCase(userName)) {
            throw HttpError.badRequest("the password must not be the user name");
        }
    }

    private byte[] compute(String password, byte[] salt, int memory, int iters, int parallelism, int length) {
        if (waiting.incrementAndGet() > maxWaiting) {
            waiting.decrementAndGet();
            throw HttpError.unavailable(BUSY);
        }
        boolean acquired;
        try {
            acquired = slots.tryAcquire(MAX_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw HttpError.unavailable("interrupted");
        } finally {
            waiting.decrementAndGet();
        }
        if (!acquired) {
            throw HttpError.unavailable(BUSY);
        }
        try {
            Argon2BytesGenerator gen = new Argon2BytesGenerator();
            gen.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                    .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                    .withSalt(salt).withMemoryAsKB(memory).withIterations(iters).withParallelism(parallelism).build());
            byte[] out = new byte[length];
            gen.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
            return out;
        } finally {
            slots.release();
        }
    }
}
