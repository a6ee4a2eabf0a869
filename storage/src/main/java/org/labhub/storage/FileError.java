package org.labhub.storage;

import java.io.IOException;

/** A file operation that was refused for a reason the caller can name to the client (HTTP maps each to a status). */
public final class FileError extends IOException {
    public enum Reason {
        /** Nothing there (404). */
        NOT_FOUND,
        /** Something is already there and overwriting was not asked for (405 for MKCOL, 412 for Overwrite: F, 409 in the API). */
        EXISTS,
        /** The parent folder does not exist (409). */
        PARENT_MISSING,
        /** A folder was expected (409). */
        NOT_A_DIRECTORY,
        /** A file was expected (405/409). */
        IS_A_DIRECTORY,
        /** The path crosses or names a symbolic link, which the hub never follows (403). */
        SYMLINK,
        /** The owner's quota would be exceeded; nothing was written (507). */
        QUOTA_EXCEEDED,
        /** A folder cannot be moved or copied into itself (403/409). */
        INTO_ITSELF
    }

    private final Reason reason;

    public FileError(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() { return reason; }
}
