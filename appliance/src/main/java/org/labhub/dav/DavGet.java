package org.labhub.dav;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.labhub.files.Permission;
import org.labhub.storage.Entry;
import org.labhub.storage.Location;
import org.labhub.web.ChannelBody;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;

/** GET and HEAD: a file streamed from its channel, with ETag, Last-Modified, conditional requests and one byte range. */
final class DavGet {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    private final DavContext dav;

    DavGet(DavContext dav) {
        this.dav = dav;
    }

    static String contentType(String name) {
        String type = MimeTypes.DEFAULTS.getMimeByExtension(name);
        return type == null ? "application/octet-stream" : type;
    }

    void handle(Exchange ex) throws IOException {
        DavResource r = dav.resource(ex);
        if (r.isVirtual()) {
            ex.send(200, "text/plain;charset=utf-8", "");
            return;
        }
        Location at = r.real(Permission.READ);
        Entry e = dav.stat(at).orElseThrow(() -> HttpError.notFound("there is nothing at /" + r.user() + "/" + r.path()));
        if (e.isDirectory()) {
            ex.setHeader("ETag", e.etag());
            ex.send(200, "text/plain;charset=utf-8", "");
            return;
        }
        boolean head = ex.method().equals("HEAD");
        Optional<String> ifMatch = ex.header("If-Match");
        if (ifMatch.isPresent() && !matches(ifMatch.get(), e.etag())) {
            throw new HttpError(412, "precondition_failed", "the file has changed (If-Match)");
        }
        Optional<String> ifNoneMatch = ex.header("If-None-Match");
        if (ifNoneMatch.isPresent() && matches(ifNoneMatch.get(), e.etag())) {
            notModified(ex, e);
            return;
        }
        if (ifNoneMatch.isEmpty() && ex.header("If-Modified-Since").flatMap(DavGet::date)
                .filter(since -> !e.modified().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).isAfter(since)).isPresent()) {
            notModified(ex, e);
            return;
        }
        if (ex.header("If-Unmodified-Since").flatMap(DavGet::date)
                .filter(since -> e.modified().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).isAfter(since)).isPresent()) {
            throw new HttpError(412, "precondition_failed", "the file has changed (If-Unmodified-Since)");
        }
        FileChannel channel = dav.store.openRead(at);
        try {
            long size = channel.size();
            long from = 0;
            long length = size;
            int status = 200;
            Optional<String> range = ex.header("Range").filter(x -> ex.header("If-Range").map(ir -> ir.equals(e.etag())).orElse(true));
            if (range.isPresent()) {
                Matcher m = RANGE.matcher(range.get().trim());
                if (m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty())) {
                    long start;
                    long end;
                    if (m.group(1).isEmpty()) {
                        long suffix = Long.parseLong(m.group(2));
                        start = Math.max(0, size - suffix);
                        end = size - 1;
                    } else {
                        start = Long.parseLong(m.group(1));
                        end = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
                    }
                    if (start >= size || end < start) {
                        ex.setHeader("Content-Range", "bytes */" + size);
                        throw new HttpError(416, "range_not_satisfiable", "the range is outside the file");
                    }
                    from = start;
                    length = end - start + 1;
                    status = 206;
                    ex.setHeader("Content-Range", "bytes " + start + "-" + end + "/" + size);
                }
            }
            Callback done = ex.takeOver();
            Response response = ex.response();
            response.setStatus(status);
            headers(ex, e);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType(e.name().isEmpty() ? r.path().toString() : e.name()));
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
            if (head || length == 0) {
                channel.close();
                response.write(true, null, done);
                return;
            }
            FileChannel toSend = channel;
            channel = null;
            ChannelBody.send(toSend, from, length, response, done);
        } finally {
            if (channel != null && !ex.responded()) {
                channel.close();
            }
        }
    }

    private static void headers(Exchange ex, Entry e) {
        ex.setHeader("ETag", e.etag());
        ex.setHeader("Last-Modified", DavXml.httpDate(e.modified()));
        ex.setHeader("Accept-Ranges", "bytes");
    }

    private static void notModified(Exchange ex, Entry e) {
        headers(ex, e);
        Callback done = ex.takeOver();
        ex.response().setStatus(304);
        done.succeeded();
    }

    static boolean matches(String header, String etag) {
        for (String t : header.split(",")) {
            String tag = t.trim();
            if (tag.equals("*") || tag.equals(etag) || tag.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }

    private static Optional<Instant> date(String header) {
        try {
            return Optional.of(ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        } catch (DateTimeParseException ex) {
            return Optional.empty();
        }
    }
}
