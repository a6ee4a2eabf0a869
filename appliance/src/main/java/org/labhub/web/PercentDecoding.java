package org.labhub.web;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns percent-encoded paths into the names users gave. Jetty's canonical path leaves {@code %20}, {@code %23},
 * {@code %3F} and {@code %2F} encoded, and WebDAV's {@code Destination} header arrives fully encoded; both are decoded
 * here, once, strictly: a malformed escape or invalid UTF-8 is a 400, never a replacement character.
 */
public final class PercentDecoding {
    private PercentDecoding() {}

    /** Percent-decodes a path (or part of one), refusing bytes that are not well-formed UTF-8 (overlong forms included). */
    public static String strict(String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw HttpError.badRequest("a percent escape in the URL is cut short");
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw HttpError.badRequest("a percent escape in the URL is malformed");
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < raw.length()) {
                    b = raw.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.writeBytes(b);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw HttpError.badRequest("the URL is not valid UTF-8");
        }
    }
}
