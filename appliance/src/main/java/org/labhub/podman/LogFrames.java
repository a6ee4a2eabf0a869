package org.labhub.podman;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Undoes the framing of a container's log stream: without a TTY, Podman sends each chunk behind an 8-byte header
 * (stream number, three zero bytes, big-endian length), which would otherwise show up as garbage in the text.
 */
final class LogFrames {
    private static final int HEADER = 8;

    private LogFrames() {}

    /** The payloads of all frames, in order; the bytes as they are when they are not framed (a TTY container). */
    static String text(byte[] raw) {
        if (!framed(raw)) {
            return new String(raw, StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
        int at = 0;
        while (at + HEADER <= raw.length) {
            int length = ((raw[at + 4] & 0xff) << 24) | ((raw[at + 5] & 0xff) << 16) | ((raw[at + 6] & 0xff) << 8) | (raw[at + 7] & 0xff);
            int start = at + HEADER;
            int end = (int) Math.min((long) start + Math.max(length, 0), raw.length);
            out.write(raw, start, end - start);
            at = end;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean framed(byte[] raw) {
        return raw.length >= HEADER && raw[0] >= 0 && raw[0] <= 3 && raw[1] == 0 && raw[2] == 0 && raw[3] == 0;
    }

    /**
     * Reads a log stream as it arrives and hands each payload to {@code chunk}, until the stream ends. A stream
     * that does not start with a frame header (a TTY container) is passed on as it is.
     */
    static void copy(InputStream raw, Consumer<byte[]> chunk) throws IOException {
        PushbackInputStream in = new PushbackInputStream(raw, HEADER);
        byte[] header = in.readNBytes(HEADER);
        if (header.length < HEADER || !framed(header)) {
            if (header.length > 0) {
                chunk.accept(header);
            }
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                chunk.accept(Arrays.copyOf(buf, n));
            }
            return;
        }
        while (header.length == HEADER) {
            int length = ((header[4] & 0xff) << 24) | ((header[5] & 0xff) << 16) | ((header[6] & 0xff) << 8) | (header[7] & 0xff);
            byte[] payload = in.readNBytes(Math.max(length, 0));
            if (payload.length > 0) {
                chunk.accept(payload);
            }
            if (payload.length < length) {
                return;
            }
            header = in.readNBytes(HEADER);
        }
    }
}
