package org.labhub.archives;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a folder whose {@code data/} holds a finished payload into a BagIt bag (RFC 8493, version 1.0): writes
 * {@code bagit.txt}, {@code manifest-sha256.txt}, {@code bag-info.txt} and {@code tagmanifest-sha256.txt}, each
 * flushed to disk, and returns the archive id the manifest gives ({@link ArchiveId}). The folder is staging: the
 * store renames it into place only after this returns.
 */
public final class BagWriter {
    static final String BAGIT_TXT = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";
    static final List<String> TAG_FILES = List.of("bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt");

    private BagWriter() {}

    /** The bag's id and payload size, once written. */
    public record Written(String id, long payloadBytes, long payloadFiles) {}

    /**
     * @param info bag-info.txt fields in order (Source-Organization, Contact-Name …); Bagging-Date, Payload-Oxum,
     *             Bag-Size and External-Identifier are added here
     */
    public static Written finish(Path bag, Map<String, String> info, Instant now) throws IOException {
        Path data = bag.resolve("data");
        List<Path> files = payloadFiles(data);
        StringBuilder manifest = new StringBuilder();
        long bytes = 0;
        for (Path f : files) {
            manifest.append(Checksums.sha256(f)).append("  ").append(BagNames.encode(manifestPath(bag, f))).append('\n');
            bytes += Files.size(f);
        }
        byte[] manifestBytes = manifest.toString().getBytes(StandardCharsets.UTF_8);
        String id = ArchiveId.of(manifestBytes);
        write(bag.resolve("bagit.txt"), BAGIT_TXT.getBytes(StandardCharsets.UTF_8));
        write(bag.resolve("manifest-sha256.txt"), manifestBytes);
        Map<String, String> fields = new LinkedHashMap<>(info);
        fields.put("Bagging-Date", DateTimeFormatter.ISO_LOCAL_DATE.format(now.atZone(ZoneOffset.UTC)));
        fields.put("External-Identifier", id);
        fields.put("Payload-Oxum", bytes + "." + files.size());
        fields.put("Bag-Size", humanSize(bytes));
        write(bag.resolve("bag-info.txt"), bagInfo(fields).getBytes(StandardCharsets.UTF_8));
        StringBuilder tags = new StringBuilder();
        for (String tag : List.of("bagit.txt", "bag-info.txt", "manifest-sha256.txt")) {
            tags.append(Checksums.sha256(bag.resolve(tag))).append("  ").append(tag).append('\n');
        }
        write(bag.resolve("tagmanifest-sha256.txt"), tags.toString().getBytes(StandardCharsets.UTF_8));
        return new Written(id, bytes, files.size());
    }

    /** {@code data/…} as the manifest names it: always '/'-separated, relative to the bag. */
    static String manifestPath(Path bag, Path file) {
        return bag.relativize(file).toString().replace(java.io.File.separatorChar, '/');
    }

    /** Every regular file under {@code data/}, sorted; anything else (a link, a device) is an error, never copied. */
    static List<Path> payloadFiles(Path data) throws IOException {
        List<Path> out = new ArrayList<>();
        Files.walkFileTree(data, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (!attrs.isRegularFile()) {
                    throw new IOException("not a regular file in the payload: " + data.relativize(file));
                }
                out.add(file);
                return FileVisitResult.CONTINUE;
            }
        });
        out.sort(null);
        return out;
    }

    /**
     * bag-info.txt lines: {@code Label: value}; a value's line breaks become continuation lines (indented), as
     * RFC 8493 section 2.2.2 allows, so a multi-line description stays one field.
     */
    static String bagInfo(Map<String, String> fields) {
        StringBuilder b = new StringBuilder();
        fields.forEach((k, v) -> {
            if (v == null || v.isBlank()) {
                return;
            }
            String value = v.strip().replace("\r\n", "\n").replace('\r', '\n');
            b.append(k).append(": ").append(value.replace("\n", "\n  ")).append('\n');
        });
        return b.toString();
    }

    static String humanSize(long bytes) {
        if (bytes < 1024) {
            return bytes + " bytes";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** Writes and flushes to disk: the bag must be complete on disk before it is renamed into place. */
    static void write(Path file, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(bytes));
            ch.force(true);
        }
    }
}
