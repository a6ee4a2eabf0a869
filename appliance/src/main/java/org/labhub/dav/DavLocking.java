package org.labhub.dav;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import javax.xml.stream.XMLStreamWriter;
import org.labhub.files.Permission;
import org.labhub.storage.Entry;
import org.labhub.storage.Location;
import org.labhub.storage.Upload;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;

/** LOCK (new, or a refresh with an If header and no body; an unmapped URL becomes an empty file) and UNLOCK. */
final class DavLocking {
    private final DavContext dav;

    DavLocking(DavContext dav) {
        this.dav = dav;
    }

    /** What a lockinfo body asks for. */
    record Info(boolean exclusive, String ownerXml) {}

    void lock(Exchange ex) throws Exception {
        byte[] body = DavContext.xmlBody(ex);
        DavResource r = dav.resource(ex);
        Location probe = r.real(Permission.CREATE);
        Optional<Entry> there = dav.stat(probe);
        Location at = r.real(there.isPresent() ? Permission.UPDATE : Permission.CREATE);
        Duration timeout = DavLocks.timeout(ex.header("Timeout"));
        if (body.length == 0 || DavXml.isBlank(body)) {
            refresh(ex, r, at, timeout);
            return;
        }
        Info info = parse(body);
        Optional<String> depth = DavContext.depth(ex);
        boolean deep = depth.isEmpty() || depth.get().equals("infinity");
        if (!deep && !depth.get().equals("0")) {
            throw HttpError.badRequest("LOCK takes Depth 0 or infinity");
        }
        dav.checkIf(ex, r);
        if (there.isEmpty() && dav.store.stat(at).isPresent()) {
            throw HttpError.forbidden("/" + r.path() + " is a link, which the hub does not lock or follow");
        }
        if (there.isEmpty()) {
            dav.checkLocks(ex, at, false, true);
        }
        DavLocks.Lock lock = dav.locks.lock(at, r.href(there.map(Entry::isDirectory).orElse(false)), info.exclusive(), deep,
                info.ownerXml(), dav.lockOwner(ex), timeout)
                .orElseThrow(() -> new HttpError(423, "locked", "/" + r.path() + " is already locked"));
        boolean created = false;
        if (there.isEmpty()) {
            try (Upload u = dav.store.upload(at, 0)) {
                u.commit(false);
                created = true;
            } catch (Exception e) {
                dav.locks.unlock(lock.token());
                throw e;
            }
        }
        ex.setHeader("Lock-Token", "<" + lock.token() + ">");
        answer(ex, created ? 201 : 200, lock);
    }

    private void refresh(Exchange ex, DavResource r, Location at, Duration timeout) throws Exception {
        List<String> tokens = DavContext.ifHeader(ex).map(IfHeader::tokens).orElse(List.of());
        if (tokens.isEmpty()) {
            throw HttpError.badRequest("a LOCK without a body refreshes a lock named in the If header; there is none");
        }
        for (String t : tokens) {
            Optional<DavLocks.Lock> l = dav.locks.get(t).filter(x -> x.covers(at) && x.principal().equals(dav.lockOwner(ex)));
            if (l.isPresent()) {
                answer(ex, 200, dav.locks.refresh(l.get(), timeout));
                return;
            }
        }
        throw new HttpError(412, "precondition_failed", "no lock named in the If header applies to /" + r.path());
    }

    void unlock(Exchange ex) throws Exception {
        DavResource r = dav.resource(ex);
        Location at = r.real(Permission.READ);
        String token = ex.header("Lock-Token").map(String::trim).map(t -> t.startsWith("<") && t.endsWith(">") ? t.substring(1, t.length() - 1) : t)
                .orElseThrow(() -> HttpError.badRequest("UNLOCK needs a Lock-Token header"));
        Optional<DavLocks.Lock> l = dav.locks.get(token).filter(x -> x.covers(at));
        if (l.isEmpty()) {
            throw HttpError.conflict("the lock token does not name a lock on /" + r.path());
        }
        if (!l.get().principal().equals(dav.lockOwner(ex))) {
            throw HttpError.forbidden("the lock belongs to someone else");
        }
        dav.locks.unlock(token);
        ex.noContent();
    }

    private void answer(Exchange ex, int status, DavLocks.Lock lock) throws Exception {
        DavContext.XmlAnswer answer = DavContext.xmlResponse(ex, status);
        try {
            XMLStreamWriter w = answer.w;
            w.writeStartElement("D", "prop", DavXml.DAV);
            w.writeNamespace("D", DavXml.DAV);
            writeLockDiscovery(w, List.of(lock));
            w.writeEndElement();
            answer.finish();
        } catch (XMLStreamException | RuntimeException e) {
            answer.abort(e);
            throw e;
        }
    }

    static void writeLockDiscovery(XMLStreamWriter w, List<DavLocks.Lock> locks) throws XMLStreamException {
        w.writeStartElement("D", "lockdiscovery", DavXml.DAV);
        for (DavLocks.Lock l : locks) {
            w.writeStartElement("D", "activelock", DavXml.DAV);
            w.writeStartElement("D", "locktype", DavXml.DAV);
            w.writeEmptyElement("D", "write", DavXml.DAV);
            w.writeEndElement();
            w.writeStartElement("D", "lockscope", DavXml.DAV);
            w.writeEmptyElement("D", l.exclusive() ? "exclusive" : "shared", DavXml.DAV);
            w.writeEndElement();
            w.writeStartElement("D", "depth", DavXml.DAV);
            w.writeCharacters(l.deep() ? "infinity" : "0");
            w.writeEndElement();
            if (l.ownerXml() != null) {
                XmlFragments.replay(w, l.ownerXml());
            }
            w.writeStartElement("D", "timeout", DavXml.DAV);
            w.writeCharacters("Second-" + l.timeout().toSeconds());
            w.writeEndElement();
            w.writeStartElement("D", "locktoken", DavXml.DAV);
            w.writeStartElement("D", "href", DavXml.DAV);
            w.writeCharacters(l.token());
            w.writeEndElement();
            w.writeEndElement();
            w.writeStartElement("D", "lockroot", DavXml.DAV);
            w.writeStartElement("D", "href", DavXml.DAV);
            w.writeCharacters(l.href());
            w.writeEndElement();
            w.writeEndElement();
            w.writeEndElement();
        }
        w.writeEndElement();
    }

    static void writeSupportedLock(XMLStreamWriter w) throws XMLStreamException {
        for (String scope : List.of("exclusive", "shared")) {
            w.writeStartElement("D", "lockentry", DavXml.DAV);
            w.writeStartElement("D", "lockscope", DavXml.DAV);
            w.writeEmptyElement("D", scope, DavXml.DAV);
            w.writeEndElement();
            w.writeStartElement("D", "locktype", DavXml.DAV);
            w.writeEmptyElement("D", "write", DavXml.DAV);
            w.writeEndElement();
            w.writeEndElement();
        }
    }

    static Info parse(byte[] body) {
        try {
            XMLStreamReader r = DavXml.reader(body);
            int depth = 0;
            Boolean exclusive = null;
            String owner = null;
            boolean inScope = false;
            while (r.hasNext()) {
                int ev = r.next();
                if (ev == XMLStreamConstants.START_ELEMENT) {
                    XmlFragments.checkNamespaces(r);
                    depth++;
                    String ns = r.getNamespaceURI() == null ? "" : r.getNamespaceURI();
                    String local = r.getLocalName();
                    if (depth == 1 && !(ns.equals(DavXml.DAV) && local.equals("lockinfo"))) {
                        throw HttpError.badRequest("expected a DAV:lockinfo body");
                    }
                    if (depth == 2 && ns.equals(DavXml.DAV)) {
                        if (local.equals("lockscope")) {
                            inScope = true;
                        } else if (local.equals("owner")) {
                            owner = XmlFragments.capture(r);
                            depth--;
                        }
                    } else if (depth == 3 && inScope && ns.equals(DavXml.DAV)) {
                        exclusive = local.equals("exclusive");
                    }
                } else if (ev == XMLStreamConstants.END_ELEMENT) {
                    if (depth == 2) {
                        inScope = false;
                    }
                    depth--;
                }
            }
            if (exclusive == null) {
                throw HttpError.badRequest("a lockinfo body needs a lockscope");
            }
            return new Info(exclusive, owner);
        } catch (XMLStreamException e) {
            throw HttpError.badRequest("the XML body is malformed: " + e.getMessage());
        }
    }
}
