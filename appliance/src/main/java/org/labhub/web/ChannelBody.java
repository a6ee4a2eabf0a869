package org.labhub.web;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;

/**
 * Sends a range of an open file as the response body without holding a thread: 1 MiB direct buffers read with
 * {@code pread} from the channel the caller opened (never reopened by path, so what the no-follow open found is
 * what is served) and handed to the connection as they are. One buffer per transfer, reused for every piece:
 * copying through 64 KiB pool buffers took 2–2.5 times the CPU (docs/benchmarks.md, WebDAV run E). Closes the channel and
 * completes {@code done} exactly once.
 */
public final class ChannelBody extends IteratingCallback {
    private final FileChannel channel;
    private final Response response;
    private final Callback done;
    private ByteBuffer buffer;
    private long position;
    private long remaining;

    private ChannelBody(FileChannel channel, long from, long length, Response response, Callback done) {
        this.channel = channel;
        this.position = from;
        this.remaining = length;
        this.response = response;
        this.done = done;
    }

    /** Starts sending {@code length} bytes from {@code from}; status and headers must be set on {@code response}. */
    public static void send(FileChannel channel, long from, long length, Response response, Callback done) {
        new ChannelBody(channel, from, length, response, done).iterate();
    }

    @Override
    protected Action process() throws Throwable {
        if (remaining == 0) {
            return Action.SUCCEEDED;
        }
        if (buffer == null) {
            buffer = DirectBuffers.acquire();
        }
        buffer.clear().limit((int) Math.min(buffer.capacity(), remaining));
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position);
            if (n < 0) {
                throw new EOFException("the file became shorter while it was sent");
            }
            position += n;
            remaining -= n;
        }
        response.write(remaining == 0, buffer.flip(), this);
        return Action.SCHEDULED;
    }

    @Override
    protected void onCompleteSuccess() {
        closeChannel();
        DirectBuffers.release(buffer);
        done.succeeded();
    }

    @Override
    protected void onCompleteFailure(Throwable cause) {
        closeChannel();
        // the buffer is not reused: a failed write may still be referring to it
        done.failed(cause);
    }

    private void closeChannel() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // opened for reading only: nothing to lose
        }
    }
}
