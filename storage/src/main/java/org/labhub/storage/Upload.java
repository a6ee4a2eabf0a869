package org.labhub.storage;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A file being written: bytes go to a staging file outside every home (counted against the owner's quota as
 * they arrive), and only {@link #commit} makes it appear, in one rename. Closing without committing removes
 * the staging file, so a failed or refused upload leaves nothing behind.
 */
public interface Upload extends AutoCloseable {
    /** Writes all of {@code bytes}; throws {@link FileError} with {@code QUOTA_EXCEEDED} the moment the quota would be passed. */
    void write(ByteBuffer bytes) throws IOException;

    long bytesWritten();

    /**
     * fsyncs the file, renames it into place (replacing a file there only if {@code overwrite}), fsyncs the folder,
     * and returns what is now there. Refuses with {@code EXISTS} when a file is there and not {@code overwrite},
     * {@code IS_A_DIRECTORY} when a folder is.
     */
    Entry commit(boolean overwrite) throws IOException;

    /** Removes the staging file unless committed. Never throws. */
    @Override
    void close();
}
