package org.labhub.files;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.labhub.storage.Entry;
import org.labhub.storage.FileStore;
import org.labhub.storage.Location;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;

/** Streams one file to the client through a channel opened without following links, with one {@code Range} at most. */
public final class FileDownload {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
    private static final int CHUNK = 64 * 1024;

    private final FileStore files;

    public FileDownload(FileStore files) {
        this.files = files;
    }

    public void send(Exchange ex, Location at, Entry entry, boolean download) throws IOException {
        SafeContent.headers(ex, entry.name(), download);
        String etag = "\"" + entry.etag() + "\"";
        ex.setHeader("ETag", etag);
        ex.setHeader("Last-Modified", DateTimeFormatter.RFC_1123_DATE_TIME.format(entry.modified().atZone(ZoneOffset.UTC)));
        ex.setHeader("Accept-Ranges", "bytes");
        if (ex.header("If-None-Match").filter(v -> v.equals(etag) || v.equals("*")).isPresent()) {
            ex.stream(304, SafeContent.contentType(entry.name()), -1).close();
            return;
        }
        try (FileChannel in = files.openRead(at)) {
            long size = in.size();
            long start = 0;
            long end = size - 1;
            int status = 200;
            Optional<String> range = ex.header("Range").filter(r -> ex.header("If-Range").map(etag::equals).orElse(true));
            if (range.isPresent()) {
                Matcher m = RANGE.matcher(range.get().trim());
                if (m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty())) {
                    if (m.group(1).isEmpty()) {
                        start = Math.max(0, size - Long.parseLong(m.group(2)));
                    } else {
                        start = Long.parseLong(m.group(1));
                        end = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
                    }
                    if (start >= size || start > end) {
                        ex.setHeader("Content-Range", "bytes */" + size);
                        throw new HttpError(416, "range_not_satisfiable", "the file has " + size + " bytes");
                    }
                    status = 206;
                    ex.setHeader("Content-Range", "bytes " + start + "-" + end + "/" + size);
                }
            }
            long length = size == 0 ? 0 : end - start + 1;
            try (OutputStream out = ex.stream(status, SafeContent.contentType(entry.name()), length)) {
                if (!ex.method().equals("HEAD")) {
                    copy(in, start, length, out);
                }
            } catch (java.io.EOFException clientGone) {
                ex.abortStream(clientGone); // the client stopped reading (a player seeking, a cancelled download)
            }
        }
    }

    /** Copies {@code length} bytes from {@code position}: at most one buffer in memory, whatever the size. */
    static void copy(FileChannel in, long position, long length, OutputStream out) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(CHUNK);
        long left = length;
        long pos = position;
        while (left > 0) {
            buf.clear().limit((int) Math.min(CHUNK, left));
            int n = in.read(buf, pos);
            if (n < 0) {
                break;
            }
            out.write(buf.array(), 0, n);
            pos += n;
            left -= n;
        }
    }
}
