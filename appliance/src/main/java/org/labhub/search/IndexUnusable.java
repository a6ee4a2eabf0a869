package org.labhub.search;

import java.io.IOException;

/**
 * The index on disk cannot be used as it is: corrupt, written by an older Lucene, or by another labhub schema.
 * It is derived data, so the answer is to delete and rebuild it; the message says why, for the log.
 */
public final class IndexUnusable extends IOException {
    public IndexUnusable(String reason, Throwable cause) {
        super(reason, cause);
    }
}
