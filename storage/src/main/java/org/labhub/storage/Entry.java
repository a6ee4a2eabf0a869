package org.labhub.storage;

import java.time.Instant;

/**
 * What {@code lstat} says about one item, read through a directory handle. A symbolic link is reported as a
 * link and never followed; {@code etag} changes whenever the content may have ({@code inode-size-mtime}).
 */
public record Entry(String name, Kind kind, long size, Instant modified, Instant created, String etag) {
    public enum Kind { FILE, DIRECTORY, SYMLINK, OTHER }

    public boolean isFile() { return kind == Kind.FILE; }
    public boolean isDirectory() { return kind == Kind.DIRECTORY; }
}
