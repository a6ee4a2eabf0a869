package org.labhub.files;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.labhub.storage.RelPath;
import org.labhub.web.HttpError;

/**
 * What a zip's central directory promises, checked before a byte is written: every name a safe {@link RelPath},
 * no duplicates, only files and folders, within the entry, depth and expansion limits. The sizes it declares are
 * only a first guess (they can lie): {@link ZipExtract} counts the real bytes again while writing.
 */
record ZipPlan(List<Item> items, long declaredBytes, long compressedBytes) {
    static final int MAX_ENTRIES = 100_000;
    /** How much more an entry, or the whole zip, may hold than it takes compressed (a bomb reaches 1000:1). */
    static final long MAX_RATIO = 100;
    /** Small entries may expand more (a thousand zeros compress to a dozen bytes) without being called a bomb. */
    static final long RATIO_FLOOR = 1024 * 1024;
    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFLNK = 0120000;
    private static final Charset CP437 = Charset.forName("IBM437");

    /** One entry to unpack: where it goes inside the new folder, and the name it had in the zip (for messages). */
    record Item(RelPath path, boolean folder, ZipArchiveEntry entry, String shown) {}

    /** The most {@code compressed} bytes may expand to before they are refused as a bomb. */
    static long expansionLimit(long compressed) {
        return Math.max(RATIO_FLOOR, compressed > Long.MAX_VALUE / MAX_RATIO ? Long.MAX_VALUE : compressed * MAX_RATIO);
    }

    /** Reads and checks the central directory; {@code targetDepth} is how deep the new folder itself lies. */
    static ZipPlan of(ZipFile zip, int targetDepth) {
        List<Item> items = new ArrayList<>();
        Set<RelPath> files = new HashSet<>();
        Set<RelPath> folders = new HashSet<>();
        Set<RelPath> namedFolders = new HashSet<>();
        long declared = 0;
        long compressed = 0;
        for (Enumeration<ZipArchiveEntry> en = zip.getEntries(); en.hasMoreElements(); ) {
            ZipArchiveEntry e = en.nextElement();
            if (items.size() >= MAX_ENTRIES) {
                throw refused("the zip holds more than " + MAX_ENTRIES + " entries");
            }
            String name = name(e);
            Item item = item(zip, e, name, targetDepth);
            RelPath p = item.path();
            for (RelPath up = p; up.depth() > 1; ) {
                up = up.parent();
                if (files.contains(up)) {
                    throw refused(entry(name) + " lies inside \"" + up + "\", which the zip also holds as a file");
                }
            }
            boolean duplicate = files.contains(p) || (item.folder() ? namedFolders.contains(p) : folders.contains(p));
            if (duplicate) {
                throw refused(entry(name) + " is in the zip twice (as \"" + p + "\")");
            }
            for (RelPath up = p; up.depth() > 1; ) {
                up = up.parent();
                folders.add(up);
            }
            if (item.folder()) {
                folders.add(p);
                namedFolders.add(p);
            } else {
                files.add(p);
                long size = e.getSize();
                long csize = e.getCompressedSize();
                if (size < 0 || csize < 0) {
                    throw refused(entry(name) + " has no size in the zip's directory");
                }
                if (size > expansionLimit(csize)) {
                    throw refused(entry(name) + " would expand from " + csize + " to " + size + " bytes, more than "
                            + MAX_RATIO + ":1 (a zip bomb?)");
                }
                declared += size;
                compressed += csize;
            }
            items.add(item);
        }
        if (declared > expansionLimit(compressed)) {
            throw refused("the zip would expand from " + compressed + " to " + declared + " bytes, more than "
                    + MAX_RATIO + ":1 overall (a zip bomb?)");
        }
        return new ZipPlan(items, declared, compressed);
    }

    private static Item item(ZipFile zip, ZipArchiveEntry e, String name, int targetDepth) {
        if (name.startsWith("/")) {
            throw refused(entry(name) + " is an absolute path");
        }
        int type = e.getPlatform() == ZipArchiveEntry.PLATFORM_UNIX ? e.getUnixMode() & S_IFMT : 0;
        if (e.isUnixSymlink() || type == S_IFLNK) {
            throw refused(entry(name) + " is a symbolic link; only files and folders are unpacked");
        }
        boolean folder = name.endsWith("/") || type == S_IFDIR;
        if (type != 0 && type != S_IFREG && type != S_IFDIR) {
            throw refused(entry(name) + " is a special file (mode " + Integer.toOctalString(e.getUnixMode())
                    + "); only files and folders are unpacked");
        }
        if (e.getGeneralPurposeBit().usesEncryption()) {
            throw refused(entry(name) + " is encrypted");
        }
        if (!folder && !zip.canReadEntryData(e)) {
            throw refused(entry(name) + " uses a compression method the hub cannot read (" + e.getMethod() + ")");
        }
        RelPath path;
        try {
            path = RelPath.parse(name);
        } catch (RelPath.BadPath bad) {
            throw refused(entry(name) + ": " + bad.getMessage());
        }
        if (path.isRoot()) {
            throw refused(entry(name) + " has no name");
        }
        if (targetDepth + path.depth() > RelPath.MAX_DEPTH) {
            throw refused(entry(name) + " would lie deeper than " + RelPath.MAX_DEPTH + " folders");
        }
        return new Item(path, folder, e, name);
    }

    /**
     * The entry's name from its raw bytes: strict UTF-8 when the zip says so (overlong forms and bad bytes refused),
     * otherwise the IBM PC code page every zip tool falls back to. The Unicode extra field is not trusted.
     */
    static String name(ZipArchiveEntry e) {
        byte[] raw = e.getRawName();
        if (raw == null) {
            raw = e.getName().getBytes(StandardCharsets.UTF_8);
        }
        if (!e.getGeneralPurposeBit().usesUTF8ForNames()) {
            return new String(raw, CP437);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException bad) {
            throw refused("an entry named \"" + new String(raw, StandardCharsets.UTF_8) + "\" is not valid UTF-8");
        }
    }

    static String entry(String name) {
        return "the entry \"" + name + "\"";
    }

    static HttpError refused(String message) {
        return new HttpError(422, "bad_zip", message + "; nothing was unpacked");
    }
}
