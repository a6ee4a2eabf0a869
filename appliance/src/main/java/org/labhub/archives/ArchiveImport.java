package org.labhub.archives;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.labhub.web.HttpError;

/**
 * Unpacks an uploaded archive (a tar as export writes it, optionally gzipped) into a staging folder, refusing
 * before a byte of it is written anything that could escape or exhaust the host: unsafe names (absolute, {@code ..},
 * backslashes, NUL, duplicates), anything but regular files and folders (links, hard links, devices, sparse
 * entries), sizes above the limits or the quota, declared sizes the upload cannot hold, and compression ratios of a
 * bomb. Then the bag must pass {@link BagCheck} and its folder name must be the id its manifest gives. Nothing is
 * visible until the caller commits the staged bag; on any failure the staging folder is deleted.
 */
public final class ArchiveImport {
    /** Unpacked bytes per compressed byte above which a gzipped upload is taken for a bomb. */
    static final long MAX_RATIO = 100;
    /** Below this many unpacked bytes the ratio is not judged (tiny text compresses well). */
    static final long RATIO_FLOOR = 16L * 1024 * 1024;
    static final int MAX_ENTRIES = 100_000;

    private final ArchiveStore store;
    private final long maxBytes;

    public ArchiveImport(ArchiveStore store, long maxBytes) {
        this.store = store;
        this.maxBytes = maxBytes;
    }

    /** A bag unpacked and checked in staging: commit it with {@link ArchiveStore#commit}, or delete {@code staging}. */
    public record Staged(String id, Path staging, Path bag, long bytes, Map<String, String> bagInfo) {}

    /**
     * @param uploadLength the request's length (-1 when unknown): a plain tar cannot unpack to more than it
     * @param freeBytes what the importer's quota still allows
     */
    public Staged unpack(InputStream upload, long uploadLength, long freeBytes) throws IOException {
        Path staging = store.newStaging();
        try {
            return unpackInto(staging, upload, uploadLength, freeBytes);
        } catch (IOException | RuntimeException | Error e) {
            ArchiveStore.deleteTree(staging);
            throw e;
        }
    }

    private Staged unpackInto(Path staging, InputStream upload, long uploadLength, long freeBytes) throws IOException {
        Counting raw = new Counting(upload);
        BufferedInputStream buffered = new BufferedInputStream(raw, 64 * 1024);
        buffered.mark(2);
        boolean gzip = buffered.read() == 0x1f && buffered.read() == 0x8b;
        buffered.reset();
        InputStream body = gzip ? new GzipCompressorInputStream(buffered, true) : buffered;
        String top = null;
        Set<String> names = new HashSet<>();
        long total = 0;
        int entries = 0;
        try (TarArchiveInputStream tar = new TarArchiveInputStream(body)) {
            TarArchiveEntry e;
            while ((e = nextEntry(tar)) != null) {
                String name = e.getName();
                String clean = name.endsWith("/") && e.isDirectory() ? name.substring(0, name.length() - 1) : name;
                String problem = SafeNames.problem(clean);
                if (!problem.isEmpty()) {
                    throw HttpError.badRequest("refused: entry \"" + shown(name) + "\" has " + problem);
                }
                refuseType(e, clean);
                if (++entries > MAX_ENTRIES) {
                    throw new HttpError(413, "too_large", "refused: more than " + MAX_ENTRIES + " entries");
                }
                if (!names.add(clean)) {
                    throw HttpError.badRequest("refused: entry \"" + shown(clean) + "\" appears twice");
                }
                String first = clean.contains("/") ? clean.substring(0, clean.indexOf('/')) : clean;
                if (top == null) {
                    top = first;
                    if (!ArchiveId.valid(top)) {
                        throw HttpError.badRequest("refused: an archive holds one folder named by its 26-character id; \""
                                + shown(top) + "\" is not an archive id");
                    }
                } else if (!top.equals(first)) {
                    throw HttpError.badRequest("refused: entry \"" + shown(clean) + "\" is outside the archive's folder " + top + "/");
                }
                Path target = staging.resolve(clean);
                if (!target.normalize().startsWith(staging)) {
                    throw HttpError.badRequest("refused: entry \"" + shown(clean) + "\" points outside the archive");
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                long size = e.getSize();
                if (size < 0) {
                    throw HttpError.badRequest("refused: entry \"" + shown(clean) + "\" declares a negative size");
                }
                total += size;
                if (total > maxBytes) {
                    throw new HttpError(413, "too_large", "refused: entry \"" + shown(clean) + "\" takes the archive past the "
                            + BagWriter.humanSize(maxBytes) + " an import may unpack (archives.max_import_bytes)");
                }
                if (total > freeBytes) {
                    throw new HttpError(413, "quota", "refused: the archive needs " + BagWriter.humanSize(total)
                            + " so far and your quota has " + BagWriter.humanSize(freeBytes) + " left");
                }
                if (!gzip && uploadLength >= 0 && total > uploadLength) {
                    throw HttpError.badRequest("refused: entry \"" + shown(clean) + "\" declares " + size
                            + " bytes, more than the whole upload (" + uploadLength + " bytes)");
                }
                Files.createDirectories(target.getParent());
                long copied;
                try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS)) {
                    copied = copy(tar, out, raw, gzip, total - size, clean);
                }
                if (copied != size) {
                    throw HttpError.badRequest("refused: entry \"" + shown(clean) + "\" declares " + size + " bytes but holds " + copied);
                }
            }
        }
        if (top == null) {
            throw HttpError.badRequest("refused: the upload is an empty archive");
        }
        Path bag = staging.resolve(top);
        List<String> problems = BagCheck.problems(bag);
        if (!problems.isEmpty()) {
            throw new HttpError(422, "invalid_bag", "refused: not a valid bag: " + String.join("; ",
                    problems.subList(0, Math.min(5, problems.size()))) + (problems.size() > 5 ? " (and " + (problems.size() - 5) + " more)" : ""));
        }
        String id = ArchiveId.of(BagCheck.manifest(bag).bytes());
        if (!id.equals(top)) {
            throw new HttpError(422, "invalid_bag", "refused: the archive's folder is named " + top + " but its content gives the id " + id);
        }
        Map<String, String> info = BagCheck.bagInfo(bag);
        String external = info.getOrDefault("External-Identifier", id);
        if (!external.equals(id)) {
            throw new HttpError(422, "invalid_bag", "refused: bag-info.txt gives the id " + shown(external) + " but the content gives " + id);
        }
        return new Staged(id, staging, bag, total, info);
    }

    /** The next entry; a damaged header (a truncated or non-tar upload) is a 400 that says so. */
    private static TarArchiveEntry nextEntry(TarArchiveInputStream tar) {
        try {
            return tar.getNextEntry();
        } catch (IOException | IllegalArgumentException e) {
            throw HttpError.badRequest("refused: not a readable tar archive (" + e.getMessage() + ")");
        }
    }

    private static void refuseType(TarArchiveEntry e, String name) {
        String kind = null;
        if (e.isSymbolicLink()) {
            kind = "a symbolic link (to " + shown(e.getLinkName()) + ")";
        } else if (e.isLink()) {
            kind = "a hard link (to " + shown(e.getLinkName()) + ")";
        } else if (e.isCharacterDevice() || e.isBlockDevice()) {
            kind = "a device";
        } else if (e.isFIFO()) {
            kind = "a named pipe";
        } else if (e.isSparse() || e.isPaxGNUSparse() || e.isPaxGNU1XSparse() || e.isGNUSparse() || e.isOldGNUSparse() || e.isStarSparse()) {
            kind = "a sparse file (declaring " + e.getRealSize() + " bytes)";
        } else if (!e.isDirectory() && e.getLinkFlag() != TarConstants.LF_NORMAL && e.getLinkFlag() != TarConstants.LF_OLDNORM) {
            kind = "an entry of type '" + (char) e.getLinkFlag() + "'";
        }
        if (kind != null) {
            throw HttpError.badRequest("refused: entry \"" + shown(name) + "\" is " + kind + "; an archive holds only regular files and folders");
        }
    }

    /** Copies one entry, judging the compression ratio as the bytes come. */
    private static long copy(InputStream in, OutputStream out, Counting raw, boolean gzip, long before, String name) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long n = 0;
        int r;
        while (true) {
            try {
                r = in.read(buf);
            } catch (IOException truncated) {
                throw HttpError.badRequest("refused: the upload ends inside entry \"" + shown(name) + "\" (" + truncated.getMessage() + ")");
            }
            if (r < 0) {
                return n;
            }
            out.write(buf, 0, r);
            n += r;
            long unpacked = before + n;
            if (gzip && unpacked > RATIO_FLOOR && unpacked > MAX_RATIO * Math.max(1, raw.count)) {
                throw new HttpError(413, "compression_bomb", "refused: entry \"" + shown(name) + "\" unpacks to more than "
                        + MAX_RATIO + " times the compressed size (a compression bomb?)");
            }
        }
    }

    static String shown(String s) {
        String p = s.replace("\u0000", "\\0").replace("\r", "\\r").replace("\n", "\\n");
        return p.length() > 200 ? p.substring(0, 200) + "…" : p;
    }

    /** Counts the bytes read from the upload itself (compressed, for gzip). */
    private static final class Counting extends FilterInputStream {
        long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
