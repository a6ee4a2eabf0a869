package org.labhub.archives;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes a bag as one uncompressed POSIX tar, every entry under {@code <id>/}: tag files first, then the payload in
 * manifest order. Each payload file is checked against its checksum as it is read; a mismatch throws
 * {@link VerifyingInputStream.Tampered} and the caller aborts the download. No compression: the image layers inside
 * are compressed already, and a plain tar streams at disk speed.
 */
final class ArchiveTar {
    private ArchiveTar() {}

    static void write(Path bag, String id, Instant mtime, OutputStream sink) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(sink, 64 * 1024);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
        directory(tar, id + "/", mtime);
        for (String tag : BagWriter.TAG_FILES) {
            Path f = bag.resolve(tag);
            if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                try (InputStream in = Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS)) {
                    file(tar, id + "/" + tag, Files.size(f), mtime, in);
                }
            }
        }
        List<String> folders = new ArrayList<>();
        var manifest = BagCheck.manifest(bag).sha256ByPath();
        for (var e : manifest.entrySet()) {
            String path = e.getKey();
            for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
                String folder = path.substring(0, slash + 1);
                if (!folders.contains(folder)) {
                    folders.add(folder);
                    directory(tar, id + "/" + folder, mtime);
                }
            }
            Path f = bag.resolve(path);
            try (InputStream in = new VerifyingInputStream(Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS), e.getValue(), path)) {
                file(tar, id + "/" + path, Files.size(f), mtime, in);
            }
        }
        tar.finish();
        tar.flush();
    }

    private static void directory(TarArchiveOutputStream tar, String name, Instant mtime) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(0755 | 040000);
        e.setModTime(mtime.toEpochMilli());
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
    }

    private static void file(TarArchiveOutputStream tar, String name, long size, Instant mtime, InputStream in) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(size);
        e.setMode(0644 | 0100000);
        e.setModTime(mtime.toEpochMilli());
        tar.putArchiveEntry(e);
        long copied = in.transferTo(tar);
        // Reads to the end (where the checksum is checked) even if the file grew: a short file would break the tar.
        if (copied != size) {
            throw new IOException(name + " changed size while it was exported");
        }
        tar.closeArchiveEntry();
    }
}
