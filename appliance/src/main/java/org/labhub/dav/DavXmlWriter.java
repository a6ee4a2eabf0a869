package org.labhub.dav;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import javax.xml.namespace.NamespaceContext;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * The streaming writer of WebDAV answers: UTF-8 straight into a 16 KiB byte buffer, names written as given
 * (prefixes and namespace declarations are the caller's, as with the JDK's writer without repairing). A PROPFIND
 * of a 10,000-file folder writes about 150,000 elements; the JDK's writer spent most of that answer's time in
 * its own bookkeeping (docs/benchmarks.md, WebDAV run E). Text and attribute values are escaped.
 */
final class DavXmlWriter implements XMLStreamWriter {
    private static final int FLUSH_AT = 16 * 1024;

    private final OutputStream out;
    private final Deque<String> open = new ArrayDeque<>();
    private byte[] buf = new byte[FLUSH_AT + 1024];
    private int len;
    /** A start tag whose {@code >} is not written yet (attributes and namespaces may still come). */
    private boolean tagOpen;
    private boolean tagEmpty;

    DavXmlWriter(OutputStream out) {
        this.out = out;
    }

    @Override
    public void writeStartDocument() throws XMLStreamException {
        writeStartDocument("UTF-8", "1.0");
    }

    @Override
    public void writeStartDocument(String version) throws XMLStreamException {
        writeStartDocument("UTF-8", version);
    }

    @Override
    public void writeStartDocument(String encoding, String version) throws XMLStreamException {
        raw("<?xml version=\"");
        raw(version);
        raw("\" encoding=\"");
        raw(encoding);
        raw("\"?>");
    }

    @Override
    public void writeStartElement(String localName) throws XMLStreamException {
        start(localName, false);
    }

    @Override
    public void writeStartElement(String namespaceURI, String localName) throws XMLStreamException {
        start(localName, false);
    }

    @Override
    public void writeStartElement(String prefix, String localName, String namespaceURI) throws XMLStreamException {
        start(qualified(prefix, localName), false);
    }

    @Override
    public void writeEmptyElement(String localName) throws XMLStreamException {
        start(localName, true);
    }

    @Override
    public void writeEmptyElement(String namespaceURI, String localName) throws XMLStreamException {
        start(localName, true);
    }

    @Override
    public void writeEmptyElement(String prefix, String localName, String namespaceURI) throws XMLStreamException {
        start(qualified(prefix, localName), true);
    }

    private static String qualified(String prefix, String localName) {
        return prefix == null || prefix.isEmpty() ? localName : prefix + ":" + localName;
    }

    private void start(String name, boolean empty) throws XMLStreamException {
        closeTag();
        raw('<');
        raw(name);
        tagOpen = true;
        tagEmpty = empty;
        if (!empty) {
            open.push(name);
        }
    }

    @Override
    public void writeEndElement() throws XMLStreamException {
        closeTag();
        String name = open.poll();
        if (name == null) {
            throw new XMLStreamException("no element is open");
        }
        raw("</");
        raw(name);
        raw('>');
    }

    @Override
    public void writeEndDocument() throws XMLStreamException {
        while (!open.isEmpty()) {
            writeEndElement();
        }
        closeTag();
    }

    @Override
    public void close() throws XMLStreamException {
        flush();
    }

    @Override
    public void flush() throws XMLStreamException {
        closeTag();
        drain();
        try {
            out.flush();
        } catch (IOException e) {
            throw new XMLStreamException(e);
        }
    }

    @Override
    public void writeAttribute(String localName, String value) throws XMLStreamException {
        attribute(localName, value);
    }

    @Override
    public void writeAttribute(String prefix, String namespaceURI, String localName, String value) throws XMLStreamException {
        attribute(qualified(prefix, localName), value);
    }

    @Override
    public void writeAttribute(String namespaceURI, String localName, String value) throws XMLStreamException {
        attribute(localName, value);
    }

    @Override
    public void writeNamespace(String prefix, String namespaceURI) throws XMLStreamException {
        if (prefix == null || prefix.isEmpty() || prefix.equals("xmlns")) {
            writeDefaultNamespace(namespaceURI);
        } else {
            attribute("xmlns:" + prefix, namespaceURI);
        }
    }

    @Override
    public void writeDefaultNamespace(String namespaceURI) throws XMLStreamException {
        attribute("xmlns", namespaceURI);
    }

    private void attribute(String name, String value) throws XMLStreamException {
        if (!tagOpen) {
            throw new XMLStreamException("an attribute needs a start tag to go into");
        }
        raw(' ');
        raw(name);
        raw("=\"");
        escaped(value, true);
        raw('"');
    }

    @Override
    public void writeComment(String data) throws XMLStreamException {
        closeTag();
        raw("<!--");
        raw(data);
        raw("-->");
    }

    @Override
    public void writeProcessingInstruction(String target) throws XMLStreamException {
        writeProcessingInstruction(target, "");
    }

    @Override
    public void writeProcessingInstruction(String target, String data) throws XMLStreamException {
        closeTag();
        raw("<?");
        raw(target);
        if (!data.isEmpty()) {
            raw(' ');
            raw(data);
        }
        raw("?>");
    }

    @Override
    public void writeCData(String data) throws XMLStreamException {
        closeTag();
        raw("<![CDATA[");
        raw(data);
        raw("]]>");
    }

    @Override
    public void writeDTD(String dtd) throws XMLStreamException {
        throw new XMLStreamException("WebDAV answers carry no DTD");
    }

    @Override
    public void writeEntityRef(String name) throws XMLStreamException {
        closeTag();
        raw('&');
        raw(name);
        raw(';');
    }

    @Override
    public void writeCharacters(String text) throws XMLStreamException {
        closeTag();
        escaped(text, false);
    }

    @Override
    public void writeCharacters(char[] text, int start, int length) throws XMLStreamException {
        writeCharacters(new String(text, start, length));
    }

    @Override
    public String getPrefix(String uri) {
        return null;
    }

    @Override
    public void setPrefix(String prefix, String uri) {
        // prefixes are written as given
    }

    @Override
    public void setDefaultNamespace(String uri) {
        // namespaces are declared by the caller
    }

    @Override
    public void setNamespaceContext(NamespaceContext context) {
        // namespaces are declared by the caller
    }

    @Override
    public NamespaceContext getNamespaceContext() {
        return null;
    }

    @Override
    public Object getProperty(String name) {
        throw new IllegalArgumentException(name);
    }

    private void closeTag() throws XMLStreamException {
        if (tagOpen) {
            tagOpen = false;
            if (tagEmpty) {
                raw("/>");
            } else {
                raw('>');
            }
        }
    }

    /** Escapes {@code & < >} (and {@code "} in attributes), encoding UTF-8 on the way. */
    private void escaped(String s, boolean attribute) throws XMLStreamException {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> raw("&amp;");
                case '<' -> raw("&lt;");
                case '>' -> raw("&gt;");
                case '"' -> {
                    if (attribute) {
                        raw("&quot;");
                    } else {
                        raw('"');
                    }
                }
                default -> {
                    if (c < 0x80) {
                        raw(c);
                    } else {
                        i = utf8(s, i);
                    }
                }
            }
        }
    }

    /** Writes the non-ASCII character at {@code i} (a surrogate pair counts as one); the index of its last char. */
    private int utf8(String s, int i) throws XMLStreamException {
        char c = s.charAt(i);
        ensure(4);
        if (c < 0x800) {
            buf[len++] = (byte) (0xc0 | (c >> 6));
            buf[len++] = (byte) (0x80 | (c & 0x3f));
            return i;
        }
        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            int cp = Character.toCodePoint(c, s.charAt(i + 1));
            buf[len++] = (byte) (0xf0 | (cp >> 18));
            buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
            buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
            buf[len++] = (byte) (0x80 | (cp & 0x3f));
            return i + 1;
        }
        if (Character.isSurrogate(c)) {
            c = '\ufffd'; // a lone surrogate has no UTF-8 form
        }
        buf[len++] = (byte) (0xe0 | (c >> 12));
        buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3f));
        buf[len++] = (byte) (0x80 | (c & 0x3f));
        return i;
    }

    /** Markup the caller controls (names, fixed text): written without escaping. */
    private void raw(String s) throws XMLStreamException {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                raw(c);
            } else {
                i = utf8(s, i);
            }
        }
    }

    private void raw(char ascii) throws XMLStreamException {
        ensure(1);
        buf[len++] = (byte) ascii;
    }

    private void ensure(int room) throws XMLStreamException {
        if (len + room > buf.length) {
            drain();
        }
        if (len >= FLUSH_AT) {
            drain();
        }
    }

    private void drain() throws XMLStreamException {
        if (len == 0) {
            return;
        }
        try {
            out.write(buf, 0, len);
        } catch (IOException e) {
            throw new XMLStreamException(e);
        }
        len = 0;
    }
}
