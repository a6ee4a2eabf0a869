package org.labhub.files;

import static org.labhub.files.FileRequests.io;
import static org.labhub.files.FileRequests.real;
import static org.labhub.files.ZipPlan.entry;
import static org.labhub.files.ZipPlan.refused;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.labhub.storage.Entry;
import org.labhub.storage.FileError;
import org.labhub.storage.FileStore;
import org.labhub.storage.FolderBuild;
import org.labhub.storage.Location;
import org.labhub.storage.RelPath;
import org.labhub.storage.Usage;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;

/**
 * The {@code extract} action: unpacks a zip into a new folder built in staging ({@link FolderBuild}) and renamed
 * into place whole, so a refusal or a crash leaves nothing. The quota is checked against the sizes the zip declares
 * and again against the bytes really inflated, which also must not pass {@link ZipPlan#MAX_RATIO}:1.
 */
final class ZipExtract {
    private static final int MAX_UNIQUE = 1000;

    private final FileStore files;
    private final FileRequests requests;

    ZipExtract(FileStore files, FileRequests requests) {
        this.files = files;
        this.requests = requests;
    }

    /** Unpacks the zip at {@code t} into {@code to} (a new folder, or a new folder inside an existing one) or next to it. */
    void run(Exchange ex, Target t, String to) {
        Location zipAt = real(t, Permission.READ).location();
        Entry zip = io(() -> files.stat(zipAt)).orElseThrow(() -> HttpError.notFound("there is nothing at " + FilesApi.shown(zipAt)));
        if (!zip.isFile()) {
            throw new HttpError(409, "not_a_file", FilesApi.shown(zipAt) + " is not a file; only a zip file can be extracted");
        }
        Location into = target(ex, zipAt, to);
        Map<String, Object> body = new LinkedHashMap<>();
        Entry made = extract(zipAt, into, body);
        body.putAll(FileRequests.json(made));
        body.put("path", into.owner() + "/" + into.path());
        ex.json(201, body);
    }

    private Location target(Exchange ex, Location zipAt, String to) {
        String base = folderName(zipAt.path().name());
        if (to == null) {
            Location parent = zipAt.parent();
            Target.Real there = real(requests.target(ex, parent.owner(), parent.path().toString()), Permission.CREATE);
            return unique(there.location(), base);
        }
        Location named = requests.reference(ex, to, Permission.CREATE).location();
        Optional<Entry> existing = io(() -> files.stat(named));
        if (existing.isEmpty()) {
            return named;
        }
        if (!existing.get().isDirectory()) {
            throw new HttpError(409, "not_a_folder", FilesApi.shown(named) + " is already there and is not a folder");
        }
        return unique(named, base); // an existing folder receives a new folder named after the zip
    }

    /** {@code data.zip} → {@code data}; a name without the extension gets one that says what happened. */
    static String folderName(String zipName) {
        String base = zipName.toLowerCase(Locale.ROOT).endsWith(".zip") ? zipName.substring(0, zipName.length() - 4) : zipName + " (extracted)";
        return base.isBlank() || base.equals(".") || base.equals("..") ? "extracted" : base;
    }

    private Location unique(Location folder, String base) {
        for (int i = 1; i <= MAX_UNIQUE; i++) {
            String name = i == 1 ? base : base + " (" + i + ")";
            Location candidate;
            try {
                candidate = folder.child(name);
            } catch (RelPath.BadPath e) {
                throw HttpError.badRequest("no folder can be named after the zip: " + e.getMessage() + "; give \"to\"");
            }
            if (io(() -> files.stat(candidate)).isEmpty()) {
                return candidate;
            }
        }
        throw new HttpError(409, "exists", "\"" + base + "\" and " + (MAX_UNIQUE - 1) + " numbered variants are taken; give \"to\"");
    }

    private Entry extract(Location zipAt, Location into, Map<String, Object> summary) {
        try (SeekableByteChannel ch = io(() -> files.openRead(zipAt));
             ZipFile zip = open(ch, zipAt)) {
            ZipPlan plan = ZipPlan.of(zip, into.path().depth());
            Usage usage = io(() -> files.usage(into.owner()));
            if (plan.declaredBytes() > usage.freeBytes()) {
                throw quota(into.owner(), plan.declaredBytes(), usage.freeBytes(), usage.limitBytes(), "expands to");
            }
            try (FolderBuild build = io(() -> files.buildFolder(into))) {
                int[] counts = unpack(zip, plan, build, into, usage);
                Entry made = io(build::commit);
                summary.put("files", counts[0]);
                summary.put("folders", counts[1]);
                summary.put("bytes", build.bytesWritten());
                return made;
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // closing a read-only channel; nothing to undo
        }
    }

    private static ZipFile open(SeekableByteChannel ch, Location zipAt) {
        try {
            // never follows links: the channel was opened through a directory handle with O_NOFOLLOW
            return ZipFile.builder().setSeekableByteChannel(ch).setUseUnicodeExtraFields(false).get();
        } catch (IOException e) {
            throw refused(FilesApi.shown(zipAt) + " is not a zip file the hub can read (" + e.getMessage() + ")");
        }
    }

    /** Writes every item into the build and returns how many files and folders (named or implied) it made. */
    private int[] unpack(ZipFile zip, ZipPlan plan, FolderBuild build, Location into, Usage usage) {
        Set<RelPath> made = new HashSet<>();
        long[] total = {0};
        int fileCount = 0;
        for (ZipPlan.Item item : plan.items()) {
            makeParents(build, item.path(), made);
            if (item.folder()) {
                if (made.add(item.path())) {
                    io(() -> {
                        build.mkdir(item.path());
                        return null;
                    });
                }
                continue;
            }
            fileCount++;
            long written;
            try (InputStream in = new Counted(zip.getInputStream(item.entry()), item, total, plan.compressedBytes())) {
                written = build.write(item.path(), in);
            } catch (FileError e) {
                if (e.reason() == FileError.Reason.QUOTA_EXCEEDED) {
                    throw quota(into.owner(), build.allowance(), build.allowance(), usage.limitBytes(), "inflates to more than");
                }
                throw FileRequests.toHttp(e);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            if (written != item.entry().getSize()) {
                throw refused(entry(item.shown()) + " holds " + written + " bytes but the zip declares " + item.entry().getSize());
            }
        }
        return new int[] {fileCount, made.size()};
    }

    private static void makeParents(FolderBuild build, RelPath path, Set<RelPath> made) {
        RelPath parent = RelPath.ROOT;
        for (int i = 0; i < path.depth() - 1; i++) {
            parent = parent.child(path.names().get(i));
            if (made.add(parent)) {
                RelPath p = parent;
                io(() -> {
                    build.mkdir(p);
                    return null;
                });
            }
        }
    }

    private static HttpError quota(String owner, long needed, long free, long limit, String verb) {
        return new HttpError(507, "quota_exceeded", "the zip " + verb + " " + needed + " bytes but " + owner + " has "
                + free + " bytes free (quota " + limit + " bytes); nothing was unpacked");
    }

    /**
     * An entry's inflated bytes, counted as they come: more than {@link ZipPlan#expansionLimit} of its compressed
     * size (or of the whole zip's) is a bomb whatever the directory said, and a wrong CRC is a damaged zip.
     * A read that fails is the zip's fault (422), told apart from a write that fails.
     */
    private static final class Counted extends FilterInputStream {
        private final ZipPlan.Item item;
        private final long[] total;
        private final long entryLimit;
        private final long totalLimit;
        private final CRC32 crc = new CRC32();
        private long count;

        Counted(InputStream in, ZipPlan.Item item, long[] total, long compressedBytes) {
            super(in);
            this.item = item;
            this.total = total;
            this.entryLimit = ZipPlan.expansionLimit(item.entry().getCompressedSize());
            this.totalLimit = ZipPlan.expansionLimit(compressedBytes);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int n;
            try {
                n = in.read(b, off, len);
            } catch (IOException | RuntimeException e) {
                throw refused(entry(item.shown()) + " cannot be read: " + e.getMessage());
            }
            if (n < 0) {
                long expected = item.entry().getCrc();
                if (expected >= 0 && crc.getValue() != expected) {
                    throw refused(entry(item.shown()) + " is damaged (its CRC does not match)");
                }
                return n;
            }
            count += n;
            total[0] += n;
            crc.update(b, off, n);
            if (count > entryLimit) {
                throw refused(entry(item.shown()) + " expands to more than " + ZipPlan.MAX_RATIO
                        + ":1 of its compressed size (a zip bomb?)");
            }
            if (total[0] > totalLimit) {
                throw refused("the zip expands to more than " + ZipPlan.MAX_RATIO + ":1 overall at " + entry(item.shown())
                        + " (a zip bomb?)");
            }
            return n;
        }
    }
}
