package org.labhub.archives;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * An archive's id, derived from its content: the SHA-256 of the bytes of its {@code manifest-sha256.txt}, which names
 * every payload file with its own SHA-256, written in base32 (RFC 4648 alphabet, lowercase) and cut to 26 characters
 * (130 bits). The same payload gives the same id on every hub, so an import can check that the id it is given is the
 * one its content deserves, and a copy of an archive can be recognised anywhere.
 */
public final class ArchiveId {
    public static final int LENGTH = 26;
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

    private ArchiveId() {}

    public static String of(byte[] manifest) {
        byte[] hash = sha256(manifest);
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : hash) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5 && out.length() < LENGTH) {
                out.append(ALPHABET.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        return out.toString();
    }

    /** Whether {@code id} has the form of an archive id (checked before it is ever used as a folder name). */
    public static boolean valid(String id) {
        return id != null && id.length() == LENGTH && id.chars().allMatch(c -> ALPHABET.indexOf(c) >= 0);
    }

    static byte[] sha256(byte[] data) {
        return digest().digest(data);
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
