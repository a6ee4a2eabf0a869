package org.labhub.storage;

import java.nio.file.attribute.BasicFileAttributes;

/** Turns {@code lstat} results into {@link Entry}s, with an ETag that changes whenever the content may have. */
final class Entries {

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
        // Linux's file key reads "(dev=…,ino=…)": read the digits by hand, as this runs for every entry of a listing
        String key = fileKey.toString();
        int at = key.indexOf("ino=");
        if (at >= 0) {
            int from = at + 4;
            int to = from;
            while (to < key.length() && Character.isDigit(key.charAt(to))) {
                to++;
            }
            if (to > from) {
                try {
                    return Long.parseUnsignedLong(key, from, to, 10);
                } catch (NumberFormatException e) {
                    // fall through to the hash
                }
            }
        }
        return fileKey.hashCode() & 0xffffffffL;
    }
}
