package org.labhub.archives;

import java.io.IOException;
import org.labhub.audit.AuditLog;
import org.labhub.web.HttpError;

/**
 * Deleting an archive for good, for its owner or an administrator (the caller has passed {@link ArchiveAccess#manage}):
 * the bag, its re-runs, grants and links. Archives never change, but they may go: preserved by mistake, holding
 * data that must not be kept, or taking space. Refused while a re-run reads the bag. Audited as {@code archive.delete}.
 */
public final class ArchiveDeletion {
    private final ArchiveStore store;
    private final ArchiveRuns runs;
    private final AuditLog audit;

    public ArchiveDeletion(ArchiveStore store, ArchiveRuns runs, AuditLog audit) {
        this.store = store;
        this.runs = runs;
        this.audit = audit;
    }

    public void delete(ArchiveAccess.Seen seen, String actor, String address) throws IOException {
        Archive a = seen.archive();
        if (runs.of(a.id()).stream().anyMatch(r -> r.state().equals("running"))) {
            throw HttpError.conflict("the archive is being re-run; wait until its report is ready, then delete it");
        }
        store.delete(a.id());
        audit.record(actor, "archive.delete", a.id(), AuditLog.Outcome.OK, address, a.title() + " (owner " + a.owner() + ")");
    }
}
