package org.labhub.storage;

import java.nio.file.attribute.BasicFileAttributes;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns {@code lstat} results into {@link Entry}s, with an ETag that changes whenever the content may have. */
final class Entries {
    private static final Pattern INODE = Pattern.compile("ino=(\\d+)");

    private Entries() {}

    static Entry of(String name, BasicFileAttributes a) {
        Entry.Kind kind = a.isSymbolicLink() ? Entry.Kind.SYMLINK
                : a.isDirectory() ? Entry.Kind.DIRECTORY
                : a.isRegularFile() ? Entry.Kind.FILE
                : Entry.Kind.OTHER;
        return new Entry(name, kind, kind == Entry.Kind.FILE ? a.size() : 0, a.lastModifiedTime().toInstant(),
                a.creationTime().toInstant(), etag(a));
    }

    /** {@code "<inode hex>-<size hex>-<mtime ns hex>"}; without an inode (not Linux), its place holds the file key's hash. */
    static String etag(BasicFileAttributes a) {
        var mtime = a.lastModifiedTime().toInstant();
        long nanos = mtime.getEpochSecond() * 1_000_000_000L + mtime.getNano();
        return "\"" + Long.toHexString(inode(a.fileKey())) + "-" + Long.toHexString(a.size()) + "-" + Long.toHexString(nanos) + "\"";
    }

    private static long inode(Object fileKey) {
        if (fileKey == null) {
            return 0;
        }
        Matcher m = INODE.matcher(fileKey.toString());
        if (m.find()) {
            try {
                return Long.parseUnsignedLong(m.group(1));
            } catch (NumberFormatException e) {
                // fall through to the hash
            }
        }
        return fileKey.hashCode() & 0xffffffffL;
    }
}
