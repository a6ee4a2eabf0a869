package org.labhub.dav;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import javax.xml.stream.XMLStreamWriter;
import org.labhub.files.FileNamespace;
import org.labhub.files.Permission;
import org.labhub.files.Target;
import org.labhub.storage.Entry;
import org.labhub.storage.Location;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;

/**
 * PROPFIND with Depth 0 or 1 (infinity is refused, RFC 4918 §9.1): one {@code <response>} per resource, written
 * as the folder is read, so a folder of 10,000 files never becomes a tree in memory.
 */
final class DavPropfind {
    static final List<String> LIVE = List.of("resourcetype", "getcontentlength", "getlastmodified", "getetag", "creationdate",
            "getcontenttype", "displayname", "supportedlock", "lockdiscovery");

    private final DavContext dav;

    DavPropfind(DavContext dav) {
        this.dav = dav;
    }

    /** What the client asked for: all properties, only their names, or the named ones (keys {@code {ns}name}). */
    record Asked(boolean names, Set<String> props) {
        boolean all() {
            return props == null;
        }
    }

    void handle(Exchange ex) throws Exception {
        Optional<String> depth = DavContext.depth(ex);
        byte[] body = DavContext.xmlBody(ex);
        if (depth.isEmpty() || depth.get().equals("infinity")) {
            ex.send(403, "application/xml;charset=utf-8", "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                    + "<D:error xmlns:D=\"DAV:\"><D:propfind-finite-depth/></D:error>\n");
            return;
        }
        if (!depth.get().equals("0") && !depth.get().equals("1")) {
            throw HttpError.badRequest("Depth must be 0 or 1");
        }
        DavResource r = dav.resource(ex);
        Entry self = null;
        Location at = null;
        if (r.target() instanceof Target.Real) {
            at = r.real(Permission.READ);
            self = dav.stat(at).orElseThrow(() -> HttpError.notFound("there is nothing at /" + r.user() + "/" + r.path()));
        }
        Asked asked = parse(body);
        DavContext.XmlAnswer answer = DavContext.xmlResponse(ex, 207);
        try {
            XMLStreamWriter w = answer.w;
            w.writeStartElement("D", "multistatus", DavXml.DAV);
            w.writeNamespace("D", DavXml.DAV);
            if (self != null) {
                String name = r.path().isRoot() ? r.user() : r.path().name();
                writeReal(w, r.href(self.isDirectory()), at, self, name, asked, dav.props.get(at));
                if (depth.get().equals("1") && self.isDirectory()) {
                    listReal(ex, w, r, at, asked);
                }
            } else {
                writeVirtual(w, r.href(true), r.path().isRoot() ? r.user() : r.path().name(), asked);
                if (depth.get().equals("1")) {
                    for (Target.Child c : ((Target.Virtual) r.target()).children()) {
                        writeChild(w, r, c, asked);
                    }
                }
            }
            w.writeEndElement();
            answer.finish();
        } catch (XMLStreamException | IOException | RuntimeException e) {
            answer.abort(e);
            throw e;
        }
    }

    private void listReal(Exchange ex, XMLStreamWriter w, DavResource r, Location at, Asked asked) throws IOException, XMLStreamException {
        boolean ownRoot = r.showsIncoming();
        // once per folder, not per entry: the dead properties of its children, and the href its children extend
        Map<String, Map<String, String>> dead = dav.props.children(at);
        String folderHref = r.href(true);
        try {
            dav.store.list(at, e -> {
                if (!(e.isFile() || e.isDirectory())) {
                    return; // links and devices are never followed nor shown
                }
                if (ownRoot && e.name().equals(FileNamespace.SHARED)) {
                    return; // hidden by the caller's virtual shared/ folder
                }
                try {
                    String href = folderHref + DavXml.encode(e.name()) + (e.isDirectory() ? "/" : "");
                    writeReal(w, href, at.child(e.name()), e, e.name(), asked, dead.getOrDefault(e.name(), Map.of()));
                } catch (XMLStreamException | IOException x) {
                    throw new UncheckedIOException(new IOException(x));
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        if (ownRoot) {
            writeVirtual(w, r.childHref(FileNamespace.SHARED, true), FileNamespace.SHARED, asked);
        }
    }

    private void writeChild(XMLStreamWriter w, DavResource parent, Target.Child c, Asked asked) throws IOException, XMLStreamException {
        if (c.target() instanceof Target.Real real) {
            if (!real.may(Permission.READ)) {
                writeVirtual(w, parent.childHref(c.name(), true), c.name(), asked);
                return;
            }
            Optional<Entry> e = dav.stat(real.location());
            if (e.isPresent()) {
                writeReal(w, parent.childHref(c.name(), e.get().isDirectory()), real.location(), e.get(), c.name(), asked,
                        dav.props.get(real.location()));
            }
        } else {
            writeVirtual(w, parent.childHref(c.name(), true), c.name(), asked);
        }
    }

    private void writeReal(XMLStreamWriter w, String href, Location at, Entry e, String name, Asked asked, Map<String, String> dead)
            throws IOException, XMLStreamException {
        List<String> found = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        Set<String> wanted = asked.all() ? new LinkedHashSet<>() : asked.props();
        if (asked.all()) {
            for (String live : LIVE) {
                wanted.add(XmlFragments.key(DavXml.DAV, live));
            }
            wanted.addAll(dead.keySet());
        }
        for (String key : wanted) {
            boolean has = dead.containsKey(key) || (XmlFragments.namespaceOf(key).equals(DavXml.DAV) && hasLive(XmlFragments.localOf(key), e));
            (has ? found : missing).add(key);
        }
        w.writeStartElement("D", "response", DavXml.DAV);
        w.writeStartElement("D", "href", DavXml.DAV);
        w.writeCharacters(href);
        w.writeEndElement();
        if (!found.isEmpty()) {
            w.writeStartElement("D", "propstat", DavXml.DAV);
            w.writeStartElement("D", "prop", DavXml.DAV);
            for (String key : found) {
                if (asked.names()) {
                    XmlFragments.emptyElement(w, key);
                } else if (dead.containsKey(key)) {
                    XmlFragments.replay(w, dead.get(key));
                } else {
                    writeLive(w, XmlFragments.localOf(key), at, e, name);
                }
            }
            w.writeEndElement();
            DavXml.status(w, 200);
            w.writeEndElement();
        }
        writeMissing(w, missing);
        w.writeEndElement();
    }

    private static void writeMissing(XMLStreamWriter w, List<String> missing) throws XMLStreamException {
        if (missing.isEmpty()) {
            return;
        }
        w.writeStartElement("D", "propstat", DavXml.DAV);
        w.writeStartElement("D", "prop", DavXml.DAV);
        for (String key : missing) {
            XmlFragments.emptyElement(w, key);
        }
        w.writeEndElement();
        DavXml.status(w, 404);
        w.writeEndElement();
    }

    private static boolean hasLive(String name, Entry e) {
        return switch (name) {
            case "getcontentlength", "getcontenttype" -> e.isFile();
            default -> LIVE.contains(name);
        };
    }

    private void writeLive(XMLStreamWriter w, String name, Location at, Entry e, String display) throws XMLStreamException {
        w.writeStartElement("D", name, DavXml.DAV);
        switch (name) {
            case "resourcetype" -> {
                if (e.isDirectory()) {
                    w.writeEmptyElement("D", "collection", DavXml.DAV);
                }
            }
            case "getcontentlength" -> w.writeCharacters(Long.toString(e.size()));
            case "getlastmodified" -> w.writeCharacters(DavXml.httpDate(e.modified()));
            case "getetag" -> w.writeCharacters(e.etag());
            case "creationdate" -> w.writeCharacters(DavXml.isoDate(e.created()));
            case "getcontenttype" -> w.writeCharacters(DavGet.contentType(display));
            case "displayname" -> w.writeCharacters(display);
            case "supportedlock" -> DavLocking.writeSupportedLock(w);
            case "lockdiscovery" -> DavLocking.writeLockDiscovery(w, dav.locks.covering(at));
            default -> throw new IllegalStateException(name);
        }
        w.writeEndElement();
    }

    private void writeVirtual(XMLStreamWriter w, String href, String name, Asked asked) throws XMLStreamException {
        Set<String> wanted = asked.all()
                ? new LinkedHashSet<>(List.of(XmlFragments.key(DavXml.DAV, "resourcetype"), XmlFragments.key(DavXml.DAV, "displayname")))
                : asked.props();
        List<String> found = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String key : wanted) {
            boolean has = key.equals(XmlFragments.key(DavXml.DAV, "resourcetype")) || key.equals(XmlFragments.key(DavXml.DAV, "displayname"));
            (has ? found : missing).add(key);
        }
        w.writeStartElement("D", "response", DavXml.DAV);
        w.writeStartElement("D", "href", DavXml.DAV);
        w.writeCharacters(href);
        w.writeEndElement();
        if (!found.isEmpty()) {
            w.writeStartElement("D", "propstat", DavXml.DAV);
            w.writeStartElement("D", "prop", DavXml.DAV);
            for (String key : found) {
                if (asked.names()) {
                    XmlFragments.emptyElement(w, key);
                } else if (key.endsWith("}resourcetype")) {
                    w.writeStartElement("D", "resourcetype", DavXml.DAV);
                    w.writeEmptyElement("D", "collection", DavXml.DAV);
                    w.writeEndElement();
                } else {
                    w.writeStartElement("D", "displayname", DavXml.DAV);
                    w.writeCharacters(name);
                    w.writeEndElement();
                }
            }
            w.writeEndElement();
            DavXml.status(w, 200);
            w.writeEndElement();
        }
        writeMissing(w, missing);
        w.writeEndElement();
    }

    /** Parses a propfind body; an empty one means allprop. Malformed XML (or a bad namespace declaration) is 400. */
    static Asked parse(byte[] body) {
        if (body.length == 0 || DavXml.isBlank(body)) {
            return new Asked(false, null);
        }
        try {
            XMLStreamReader r = DavXml.reader(body);
            Boolean names = null;
            Set<String> props = null;
            boolean sawRoot = false;
            int depth = 0;
            while (r.hasNext()) {
                int ev = r.next();
                if (ev == XMLStreamConstants.START_ELEMENT) {
                    XmlFragments.checkNamespaces(r);
                    depth++;
                    String ns = r.getNamespaceURI() == null ? "" : r.getNamespaceURI();
                    String local = r.getLocalName();
                    if (depth == 1) {
                        if (!ns.equals(DavXml.DAV) || !local.equals("propfind")) {
                            throw HttpError.badRequest("expected a DAV:propfind body");
                        }
                        sawRoot = true;
                    } else if (depth == 2 && ns.equals(DavXml.DAV)) {
                        switch (local) {
                            case "allprop" -> names = false;
                            case "propname" -> names = true;
                            case "prop" -> props = new LinkedHashSet<>();
                            default -> { }
                        }
                    } else if (depth == 3 && props != null) {
                        props.add(XmlFragments.key(ns, local));
                    }
                } else if (ev == XMLStreamConstants.END_ELEMENT) {
                    depth--;
                }
            }
            if (!sawRoot || (names == null && props == null)) {
                throw HttpError.badRequest("a propfind body needs allprop, propname or prop");
            }
            if (props != null) {
                return new Asked(false, props);
            }
            return new Asked(names, null);
        } catch (XMLStreamException e) {
            throw HttpError.badRequest("the XML body is malformed: " + e.getMessage());
        }
    }
}
