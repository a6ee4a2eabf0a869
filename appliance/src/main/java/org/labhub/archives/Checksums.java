package org.labhub.archives;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;

/** SHA-256 of files, read once in 64 KiB pieces, never following a link. */
final class Checksums {
    private Checksums() {}

    static String sha256(Path file) throws IOException {
        MessageDigest md = ArchiveId.digest();
        try (InputStream in = Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static String hex(byte[] hash) {
        return HexFormat.of().formatHex(hash);
    }
}
