package org.labhub.podman;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LogFramesTest {

    private static byte[] frame(int stream, String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(stream);
        out.write(0);
        out.write(0);
        out.write(0);
        out.write(payload.length >>> 24);
        out.write(payload.length >>> 16);
        out.write(payload.length >>> 8);
        out.write(payload.length);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    @Test
    void framedStdoutAndStderrBecomeTheirTextInOrder() {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        raw.writeBytes(frame(1, "out\n"));
        raw.writeBytes(frame(2, "err\n"));
        raw.writeBytes(frame(1, "é".repeat(200) + "\n")); // a length above 255 and multi-byte text

        assertThat(LogFrames.text(raw.toByteArray())).isEqualTo("out\nerr\n" + "é".repeat(200) + "\n");
    }

    @Test
    void aTruncatedLastFrameKeepsWhatArrived() {
        byte[] whole = frame(1, "abcdef");
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 2);

        assertThat(LogFrames.text(cut)).isEqualTo("abcd");
    }

    @Test
    void unframedOutputOfATerminalContainerIsLeftAsItIs() {
        assertThat(LogFrames.text("plain text\n".getBytes(StandardCharsets.UTF_8))).isEqualTo("plain text\n");
        assertThat(LogFrames.text(new byte[0])).isEmpty();
    }
}
