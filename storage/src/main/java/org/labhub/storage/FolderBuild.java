package org.labhub.storage;

import java.io.IOException;
import java.io.InputStream;

/**
 * A new folder built complete in staging (outside every home, cleared at start-up) and renamed into place only by
 * {@link #commit}, so an unpacked archive appears whole or not at all. Every byte written is counted against the
 * target owner's quota as it arrives; closing without committing removes everything built.
 */
public interface FolderBuild extends AutoCloseable {
    /** Makes a folder inside the build; {@code EXISTS} if anything is there, {@code PARENT_MISSING} without a parent. */
    void mkdir(RelPath folder) throws IOException;

    /**
     * Writes a new file inside the build from {@code in} until its end and returns its size; {@code EXISTS} if
     * anything is there, {@code QUOTA_EXCEEDED} the moment the owner's quota would be passed.
     */
    long write(RelPath file, InputStream in) throws IOException;

    /** Bytes written so far (what the build will add to the owner's usage). */
    long bytesWritten();

    /** Bytes the owner could still add when the build started (their free quota; {@code Long.MAX_VALUE} without a limit). */
    long allowance();

    /** fsyncs what was built and renames it to the target in one step; {@code EXISTS} if the target was taken meanwhile. */
    Entry commit() throws IOException;

    /** Removes what was built unless committed. Never throws. */
    @Override
    void close();
}
