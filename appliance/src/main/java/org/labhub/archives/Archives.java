package org.labhub.archives;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.labhub.audit.AuditLog;
import org.labhub.web.HttpError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every read of an archive's files (who may read is {@link ArchiveAccess}'s answer): each read is checked against the manifest, and a
 * mismatch marks the archive damaged and is written to the audit log, never served silently. Also the scrub,
 * which checks every archive in full.
 */
public final class Archives {
    private static final Logger log = LoggerFactory.getLogger(Archives.class);
    /** Files up to this size are read and checked whole before the first byte is sent. */
    static final int VERIFY_FIRST_BYTES = 1024 * 1024;

    private final ArchiveStore store;
    private final AuditLog audit;
    private final Clock clock;

    public Archives(ArchiveStore store, AuditLog audit, Clock clock) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
    }

    public ArchiveStore store() {
        return store;
    }

    /** One payload or tag file of a bag, with its size and the checksum the manifests give it. */
    public record FileInfo(String path, long size, String sha256) {}

    /** The bag's payload files as the manifest lists them (the manifest is the list: a missing file shows as size -1). */
    public List<FileInfo> files(Archive a) throws IOException {
        Path bag = store.bag(a.id());
        List<FileInfo> out = new ArrayList<>();
        for (var e : BagCheck.manifest(bag).sha256ByPath().entrySet()) {
            Path f = bag.resolve(e.getKey());
            long size = Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) ? Files.size(f) : -1;
            out.add(new FileInfo(e.getKey(), size, e.getValue()));
        }
        return out;
    }

    /**
     * Opens {@code data/…} for a verified read: the stream throws at its end if the content does not match. The
     * path must be in the manifest (which is how traversal is impossible: only listed names are opened).
     */
    public InputStream open(Archive a, String payloadPath) throws IOException {
        Path bag = store.bag(a.id());
        String expected = BagCheck.manifest(bag).sha256ByPath().get(payloadPath);
        if (expected == null) {
            throw HttpError.notFound("the archive has no file " + payloadPath);
        }
        Path f = bag.resolve(payloadPath);
        if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
            damaged(a, "missing payload file: " + payloadPath, "read");
            throw new HttpError(500, "archive_damaged", "this archive is damaged (" + payloadPath + " is missing); an administrator has been told");
        }
        return new VerifyingInputStream(Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS), expected, payloadPath);
    }

    /** Reads a whole (small) payload file, checked before it is returned; a mismatch is reported and answered 500. */
    public byte[] readVerified(Archive a, String payloadPath) throws IOException {
        try (InputStream in = open(a, payloadPath)) {
            return in.readAllBytes(); // reads to the end, where the check runs
        } catch (VerifyingInputStream.Tampered t) {
            throw tampered(a, t, "read");
        }
    }

    /**
     * Streams a payload file: small ones are checked whole before the first byte goes out; larger ones are hashed
     * as they go and, if the hash is wrong at the end, the response is aborted (the client sees a broken transfer,
     * never a complete bad file) and the damage reported.
     */
    public void stream(Archive a, String payloadPath, long size, OutputStreamOpener opener) throws IOException {
        if (size <= VERIFY_FIRST_BYTES) {
            byte[] bytes = readVerified(a, payloadPath);
            try (OutputStream out = opener.open(bytes.length)) {
                out.write(bytes);
            }
            return;
        }
        try (InputStream in = open(a, payloadPath)) {
            OutputStream out = opener.open(size);
            // The last piece is held back until the hash is known: the declared length then never arrives in full
            // from a bad file, whatever the client or a proxy does with a reset.
            byte[] held = new byte[0];
            byte[] buf = new byte[64 * 1024];
            try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(held);
                    held = java.util.Arrays.copyOf(buf, n);
                }
            } catch (VerifyingInputStream.Tampered t) {
                tampered(a, t, "read");
                opener.abort(t);
                return;
            }
            out.write(held);
            out.close();
        }
    }

    /** Opens the response body once the size is known; aborts it when the content proves bad. */
    public interface OutputStreamOpener {
        OutputStream open(long length) throws IOException;

        void abort(Throwable cause);
    }

    HttpError tampered(Archive a, VerifyingInputStream.Tampered t, String during) {
        damaged(a, t.getMessage(), during);
        return new HttpError(500, "archive_damaged", "this archive is damaged (" + t.path
                + " does not match its checksum) and is not served; an administrator has been told");
    }

    /** Marks the archive damaged in the catalog and writes it to the audit log (once per discovery). */
    void damaged(Archive a, String problem, String during) {
        store.checked(a.id(), false, problem, clock.instant());
        audit.record("labhub", "archive.damaged", a.id(), AuditLog.Outcome.FAILED, "", during + ": " + problem);
        log.atError().addKeyValue("archive", a.id()).addKeyValue("problem", problem).log("archive damaged");
    }

    /** What one full check of every archive found. */
    public record ScrubResult(int checked, int damaged, Map<String, List<String>> problems) {}

    /** Checks every archive in full (every byte hashed); records each result in the catalog. */
    public ScrubResult scrub() {
        int checked = 0;
        int damaged = 0;
        Map<String, List<String>> problems = new java.util.TreeMap<>();
        for (Archive a : store.list()) {
            List<String> found = BagCheck.problems(store.bag(a.id()));
            checked++;
            if (found.isEmpty()) {
                store.checked(a.id(), true, "", clock.instant());
            } else {
                damaged++;
                problems.put(a.id(), found);
                damaged(a, String.join("; ", found), "scrub");
            }
        }
        log.atInfo().addKeyValue("checked", checked).addKeyValue("damaged", damaged).log("archive scrub finished");
        return new ScrubResult(checked, damaged, problems);
    }
}
