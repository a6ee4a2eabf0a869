package org.labhub.archives;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a bag against RFC 8493 and its own checksums: {@code bagit.txt} says version 1.0 in UTF-8, the SHA-256
 * manifest lists every payload file exactly once and nothing else, every hash matches, the tag manifest covers
 * the tag files, and only the tag files labhub writes sit beside {@code data/}. Used by the scrub, by imports
 * (before anything becomes visible) and by re-runs.
 */
public final class BagCheck {
    private BagCheck() {}

    /** A parsed {@code manifest-sha256.txt}: each payload path ({@code data/…}, decoded) with its SHA-256. */
    public record Manifest(byte[] bytes, Map<String, String> sha256ByPath) {}

    /** What is wrong with a bag; empty when nothing is. */
    public static List<String> problems(Path bag) {
        List<String> out = new ArrayList<>();
        try {
            structure(bag, out);
            if (!out.isEmpty()) {
                return out;
            }
            Manifest m = manifest(bag);
            payload(bag, m, out);
            tags(bag, out);
        } catch (IOException | IllegalArgumentException e) {
            out.add(e.getMessage());
        }
        return out;
    }

    private static void structure(Path bag, List<String> out) throws IOException {
        Path bagit = bag.resolve("bagit.txt");
        if (!regular(bagit)) {
            out.add("bagit.txt is missing");
            return;
        }
        String text = Files.readString(bagit, StandardCharsets.UTF_8).replace("\r\n", "\n");
        if (!text.equals(BagWriter.BAGIT_TXT) && !text.equals(BagWriter.BAGIT_TXT.stripTrailing())) {
            out.add("bagit.txt must say exactly \"BagIt-Version: 1.0\" and \"Tag-File-Character-Encoding: UTF-8\"");
        }
        if (!regular(bag.resolve("manifest-sha256.txt"))) {
            out.add("manifest-sha256.txt is missing (labhub bags use SHA-256)");
        }
        if (!Files.isDirectory(bag.resolve("data"), LinkOption.NOFOLLOW_LINKS)) {
            out.add("the payload folder data/ is missing");
        }
        try (var entries = Files.list(bag)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                String name = p.getFileName().toString();
                if (!name.equals("data") && !BagWriter.TAG_FILES.contains(name)) {
                    out.add("unexpected file beside data/: " + name);
                }
            }
        }
    }

    /** Reads and parses the payload manifest; a malformed line or a path outside data/ is an error. */
    public static Manifest manifest(Path bag) throws IOException {
        byte[] bytes = Files.readAllBytes(bag.resolve("manifest-sha256.txt"));
        return new Manifest(bytes, parse(utf8(bytes, "manifest-sha256.txt"), "manifest-sha256.txt", true));
    }

    static Map<String, String> parse(String text, String what, boolean payload) {
        Map<String, String> out = new LinkedHashMap<>();
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (line.isEmpty()) {
                continue;
            }
            String l = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            int space = l.indexOf(' ');
            if (space != 64 || !l.substring(0, 64).matches("[0-9a-fA-F]{64}")) {
                throw new IllegalArgumentException(what + " line " + n + " is not \"<sha256> <path>\"");
            }
            String path = BagNames.decode(l.substring(space).stripLeading());
            if (!SafeNames.problem(path).isEmpty()) {
                throw new IllegalArgumentException(what + " line " + n + " names an unsafe path: " + SafeNames.problem(path));
            }
            if (payload && !path.startsWith("data/")) {
                throw new IllegalArgumentException(what + " line " + n + " names a file outside data/: " + path);
            }
            if (out.put(path, l.substring(0, 64).toLowerCase()) != null) {
                throw new IllegalArgumentException(what + " names " + path + " twice");
            }
        }
        return out;
    }

    private static void payload(Path bag, Manifest m, List<String> out) throws IOException {
        Set<String> onDisk = new TreeSet<>();
        Path data = bag.resolve("data");
        Files.walkFileTree(data, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                String rel = BagWriter.manifestPath(bag, file);
                if (!attrs.isRegularFile()) {
                    out.add("not a regular file: " + rel);
                } else {
                    onDisk.add(rel);
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
        for (var e : m.sha256ByPath().entrySet()) {
            Path file = bag.resolve(e.getKey());
            if (!onDisk.contains(e.getKey())) {
                out.add("missing payload file: " + e.getKey());
            } else if (!Checksums.sha256(file).equals(e.getValue())) {
                out.add("checksum mismatch: " + e.getKey());
            }
        }
        for (String f : onDisk) {
            if (!m.sha256ByPath().containsKey(f)) {
                out.add("payload file not in the manifest: " + f);
            }
        }
    }

    private static void tags(Path bag, List<String> out) throws IOException {
        Path tagManifest = bag.resolve("tagmanifest-sha256.txt");
        if (!regular(tagManifest)) {
            out.add("tagmanifest-sha256.txt is missing");
            return;
        }
        Map<String, String> tags = parse(utf8(Files.readAllBytes(tagManifest), "tagmanifest-sha256.txt"), "tagmanifest-sha256.txt", false);
        for (var e : tags.entrySet()) {
            if (e.getKey().contains("/") || !BagWriter.TAG_FILES.contains(e.getKey())) {
                out.add("tagmanifest-sha256.txt names an unexpected file: " + e.getKey());
            } else if (!regular(bag.resolve(e.getKey()))) {
                out.add("missing tag file: " + e.getKey());
            } else if (!Checksums.sha256(bag.resolve(e.getKey())).equals(e.getValue())) {
                out.add("checksum mismatch: " + e.getKey());
            }
        }
        for (String required : List.of("bagit.txt", "bag-info.txt", "manifest-sha256.txt")) {
            if (!tags.containsKey(required)) {
                out.add("tagmanifest-sha256.txt does not cover " + required);
            }
        }
    }

    /** bag-info.txt as label → value (continuation lines joined with a line break). */
    public static Map<String, String> bagInfo(Path bag) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        Path f = bag.resolve("bag-info.txt");
        if (!regular(f)) {
            return out;
        }
        String last = null;
        for (String line : utf8(Files.readAllBytes(f), "bag-info.txt").split("\r?\n")) {
            if ((line.startsWith(" ") || line.startsWith("\t")) && last != null) {
                out.put(last, out.get(last) + "\n" + line.strip());
            } else if (line.contains(":")) {
                last = line.substring(0, line.indexOf(':')).strip();
                out.put(last, line.substring(line.indexOf(':') + 1).strip());
            }
        }
        return out;
    }

    private static boolean regular(Path p) {
        return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS);
    }

    private static String utf8(byte[] bytes, String what) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(what + " is not UTF-8");
        }
    }
}
