package org.labhub.dav;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import javax.xml.stream.XMLStreamWriter;
import org.labhub.web.HttpError;

/** The XML side of WebDAV: a StAX reader that refuses DTDs and entities, a streaming writer, hrefs and dates. */
final class DavXml {
    static final String DAV = "DAV:";
    /** Request bodies (PROPFIND, PROPPATCH, LOCK) are small; anything bigger is refused before parsing. */
    static final int MAX_BODY_BYTES = 1024 * 1024;

    private static final XMLInputFactory INPUT = XMLInputFactory.newFactory();
    private static final DateTimeFormatter RFC_1123 = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    static {
        INPUT.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        INPUT.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        INPUT.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        INPUT.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        INPUT.setProperty(XMLInputFactory.IS_COALESCING, true);
    }

    private DavXml() {}

    static XMLStreamReader reader(byte[] body) {
        try {
            return INPUT.createXMLStreamReader(new java.io.ByteArrayInputStream(body));
        } catch (XMLStreamException e) {
            throw HttpError.badRequest("the XML body is malformed: " + e.getMessage());
        }
    }

    static XMLStreamWriter writer(OutputStream out) throws IOException {
        try {
            return new DavXmlWriter(out);
        } catch (RuntimeException e) {
            throw new IOException(e);
        }
    }

    /** Reads a whole (small) XML request body; empty when there is none. */
    static byte[] readBody(InputStream in, long declared) throws IOException {
        if (declared > MAX_BODY_BYTES) {
            throw new HttpError(413, "too_large", "WebDAV XML bodies are limited to 1 MiB");
        }
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            throw new HttpError(413, "too_large", "WebDAV XML bodies are limited to 1 MiB");
        }
        return body;
    }

    static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (!Character.isWhitespace(b)) {
                return false;
            }
        }
        return true;
    }

    private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

    /**
     * RFC 1123 in UTC, as {@code DateTimeFormatter.RFC_1123_DATE_TIME} writes it (day of month unpadded), by hand:
     * a PROPFIND writes one per entry, and the formatter's generic machinery was a visible part of that.
     */
    static String httpDate(Instant t) {
        java.time.LocalDateTime d = java.time.LocalDateTime.ofEpochSecond(t.getEpochSecond(), 0, ZoneOffset.UTC);
        if (d.getYear() < 1000 || d.getYear() > 9999) {
            return RFC_1123.format(t);
        }
        StringBuilder b = new StringBuilder(29);
        b.append(DAYS[d.getDayOfWeek().ordinal()]).append(", ").append(d.getDayOfMonth()).append(' ')
                .append(MONTHS[d.getMonthValue() - 1]).append(' ').append(d.getYear()).append(' ');
        twoDigits(b, d.getHour()).append(':');
        twoDigits(b, d.getMinute()).append(':');
        twoDigits(b, d.getSecond()).append(" GMT");
        return b.toString();
    }

    private static StringBuilder twoDigits(StringBuilder b, int n) {
        return b.append((char) ('0' + n / 10)).append((char) ('0' + n % 10));
    }

    static String isoDate(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    /** {@code /dav/<user>/<path>}, each segment percent-encoded (UTF-8), with a trailing slash for collections. */
    static String href(String user, List<String> names, boolean collection) {
        return hrefUnder("/dav/" + encode(user) + "/", names, collection);
    }

    /** {@code base} (already encoded, ending in a slash) followed by the names, each percent-encoded. */
    static String hrefUnder(String base, List<String> names, boolean collection) {
        StringBuilder b = new StringBuilder(base);
        for (int i = 0; i < names.size(); i++) {
            b.append(encode(names.get(i)));
            if (i < names.size() - 1 || collection) {
                b.append('/');
            }
        }
        return b.toString();
    }

    static String encode(String segment) {
        StringBuilder b = new StringBuilder();
        for (byte c : segment.getBytes(StandardCharsets.UTF_8)) {
            int u = c & 0xff;
            if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || "-._~!$&'()*+,;=:@".indexOf(u) >= 0) {
                b.append((char) u);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(u >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(u & 15, 16)));
            }
        }
        return b.toString();
    }

    /** Writes a {@code <D:status>} line. */
    static void status(XMLStreamWriter w, int code) throws XMLStreamException {
        w.writeStartElement("D", "status", DAV);
        w.writeCharacters("HTTP/1.1 " + code + " " + reason(code));
        w.writeEndElement();
    }

    static String reason(int code) {
        return switch (code) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 204 -> "No Content";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            case 412 -> "Precondition Failed";
            case 423 -> "Locked";
            case 424 -> "Failed Dependency";
            case 507 -> "Insufficient Storage";
            default -> "Status";
        };
    }
}
