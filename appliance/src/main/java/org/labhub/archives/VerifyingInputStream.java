package org.labhub.archives;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Reads an archived file while hashing it; at the end of the file, a hash other than the manifest's throws
 * {@link Tampered} instead of reporting the end, so whoever streams it aborts rather than finishing a bad copy.
 */
final class VerifyingInputStream extends FilterInputStream {
    private final MessageDigest md = ArchiveId.digest();
    private final String expected;
    private final String path;
    private boolean checked;

    /** A file whose content does not match its checksum. */
    static final class Tampered extends IOException {
        final String path;

        Tampered(String path) {
            super("checksum mismatch: " + path);
            this.path = path;
        }
    }

    VerifyingInputStream(InputStream in, String expectedSha256, String path) {
        super(in);
        this.expected = expectedSha256;
        this.path = path;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            md.update(b, off, n);
        } else if (n < 0 && !checked) {
            checked = true;
            if (!Checksums.hex(md.digest()).equals(expected)) {
                throw new Tampered(path);
            }
        }
        return n;
    }

    @Override
    public long skip(long n) {
        throw new UnsupportedOperationException("a verified read hashes every byte");
    }
}
