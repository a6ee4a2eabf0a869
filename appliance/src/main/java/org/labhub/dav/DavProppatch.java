package org.labhub.dav;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import javax.xml.stream.XMLStreamWriter;
import org.labhub.files.Permission;
import org.labhub.storage.Location;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;

/**
 * PROPPATCH: sets and removals applied in document order, all or nothing (a refused one is 403, the rest 424
 * Failed Dependency), values kept exactly as sent. Live properties cannot be set.
 */
final class DavProppatch {
    private final DavContext dav;

    DavProppatch(DavContext dav) {
        this.dav = dav;
    }

    /** One instruction: set (with the element as XML) or remove ({@code value} null). */
    record Op(String key, String value) {}

    void handle(Exchange ex) throws Exception {
        byte[] body = DavContext.xmlBody(ex);
        DavResource r = dav.resource(ex);
        Location at = r.real(Permission.UPDATE);
        dav.stat(at).orElseThrow(() -> HttpError.notFound("there is nothing at /" + r.user() + "/" + r.path()));
        List<Op> ops = parse(body);
        dav.checkWrite(ex, r, at, false, false);
        Map<String, String> props = new LinkedHashMap<>(dav.props.get(at));
        Map<String, Integer> status = new LinkedHashMap<>();
        boolean failed = false;
        for (Op op : ops) {
            boolean live = XmlFragments.namespaceOf(op.key()).equals(DavXml.DAV) && DavPropfind.LIVE.contains(XmlFragments.localOf(op.key()));
            if (live) {
                status.put(op.key(), 403);
                failed = true;
                continue;
            }
            if (op.value() == null) {
                props.remove(op.key());
            } else {
                props.put(op.key(), op.value());
            }
            status.putIfAbsent(op.key(), 200);
        }
        if (failed) {
            status.replaceAll((k, v) -> v == 200 ? 424 : v);
        } else {
            dav.props.put(at, props);
        }
        DavContext.XmlAnswer answer = DavContext.xmlResponse(ex, 207);
        try {
            XMLStreamWriter w = answer.w;
            w.writeStartElement("D", "multistatus", DavXml.DAV);
            w.writeNamespace("D", DavXml.DAV);
            w.writeStartElement("D", "response", DavXml.DAV);
            w.writeStartElement("D", "href", DavXml.DAV);
            w.writeCharacters(r.href(dav.stat(at).map(e -> e.isDirectory()).orElse(false)));
            w.writeEndElement();
            for (int code : List.of(200, 403, 424)) {
                List<String> keys = status.entrySet().stream().filter(e -> e.getValue() == code).map(Map.Entry::getKey).toList();
                if (keys.isEmpty()) {
                    continue;
                }
                w.writeStartElement("D", "propstat", DavXml.DAV);
                w.writeStartElement("D", "prop", DavXml.DAV);
                for (String k : keys) {
                    XmlFragments.emptyElement(w, k);
                }
                w.writeEndElement();
                DavXml.status(w, code);
                w.writeEndElement();
            }
            w.writeEndElement();
            w.writeEndElement();
            answer.finish();
        } catch (XMLStreamException | RuntimeException e) {
            answer.abort(e);
            throw e;
        }
    }

    static List<Op> parse(byte[] body) {
        if (body.length == 0 || DavXml.isBlank(body)) {
            throw HttpError.badRequest("PROPPATCH needs a propertyupdate body");
        }
        List<Op> ops = new ArrayList<>();
        try {
            XMLStreamReader r = DavXml.reader(body);
            int depth = 0;
            Boolean set = null;
            boolean inProp = false;
            while (r.hasNext()) {
                int ev = r.next();
                if (ev == XMLStreamConstants.START_ELEMENT) {
                    XmlFragments.checkNamespaces(r);
                    depth++;
                    String ns = r.getNamespaceURI() == null ? "" : r.getNamespaceURI();
                    String local = r.getLocalName();
                    if (depth == 1 && !(ns.equals(DavXml.DAV) && local.equals("propertyupdate"))) {
                        throw HttpError.badRequest("expected a DAV:propertyupdate body");
                    } else if (depth == 2) {
                        set = ns.equals(DavXml.DAV) && local.equals("set") ? Boolean.TRUE
                                : ns.equals(DavXml.DAV) && local.equals("remove") ? Boolean.FALSE : null;
                    } else if (depth == 3) {
                        inProp = set != null && ns.equals(DavXml.DAV) && local.equals("prop");
                    } else if (depth == 4 && inProp) {
                        String key = XmlFragments.key(ns, local);
                        if (set) {
                            ops.add(new Op(key, XmlFragments.capture(r)));
                            depth--; // capture consumed the element up to its end tag
                        } else {
                            ops.add(new Op(key, null));
                        }
                    }
                } else if (ev == XMLStreamConstants.END_ELEMENT) {
                    depth--;
                }
            }
        } catch (XMLStreamException e) {
            throw HttpError.badRequest("the XML body is malformed: " + e.getMessage());
        }
        return ops;
    }
}
