package org.labhub.dav;

import java.io.StringWriter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import javax.xml.stream.XMLStreamWriter;
import org.labhub.web.HttpError;

/**
 * Keeps client XML (dead property values, lock owners) as sent: an element with everything inside it, mixed
 * content and namespaces included, captured to text and later replayed into a response.
 */
final class XmlFragments {
    private static final XMLOutputFactory OUTPUT = XMLOutputFactory.newFactory();

    private XmlFragments() {}

    /** {@code {namespace}local}, the key of a property. */
    static String key(String ns, String local) {
        return "{" + (ns == null ? "" : ns) + "}" + local;
    }

    static String namespaceOf(String key) {
        return key.substring(1, key.indexOf('}'));
    }

    static String localOf(String key) {
        return key.substring(key.indexOf('}') + 1);
    }

    /**
     * Captures the element the reader is on (START_ELEMENT) up to its end, leaving the reader on its END_ELEMENT.
     * Every prefix the fragment uses is declared inside it, so it stands alone.
     */
    static String capture(XMLStreamReader r) throws XMLStreamException {
        StringWriter text = new StringWriter();
        XMLStreamWriter w = OUTPUT.createXMLStreamWriter(text);
        Deque<Map<String, String>> scopes = new ArrayDeque<>();
        int depth = 0;
        do {
            switch (r.getEventType()) {
                case XMLStreamConstants.START_ELEMENT -> {
                    checkNamespaces(r);
                    Map<String, String> declared = new HashMap<>();
                    String prefix = r.getPrefix() == null ? "" : r.getPrefix();
                    String ns = r.getNamespaceURI() == null ? "" : r.getNamespaceURI();
                    w.writeStartElement(prefix, r.getLocalName(), ns);
                    for (int i = 0; i < r.getNamespaceCount(); i++) {
                        declare(w, declared, r.getNamespacePrefix(i), r.getNamespaceURI(i));
                    }
                    if (!ns.isEmpty() && !inScope(scopes, declared, prefix, ns)) {
                        declare(w, declared, prefix, ns);
                    }
                    for (int i = 0; i < r.getAttributeCount(); i++) {
                        String ap = r.getAttributePrefix(i) == null ? "" : r.getAttributePrefix(i);
                        String ans = r.getAttributeNamespace(i) == null ? "" : r.getAttributeNamespace(i);
                        if (!ans.isEmpty() && !ap.isEmpty() && !inScope(scopes, declared, ap, ans)) {
                            declare(w, declared, ap, ans);
                        }
                        if (ans.isEmpty()) {
                            w.writeAttribute(r.getAttributeLocalName(i), r.getAttributeValue(i));
                        } else {
                            w.writeAttribute(ap, ans, r.getAttributeLocalName(i), r.getAttributeValue(i));
                        }
                    }
                    scopes.push(declared);
                    depth++;
                }
                case XMLStreamConstants.END_ELEMENT -> {
                    w.writeEndElement();
                    scopes.pop();
                    depth--;
                }
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.SPACE -> w.writeCharacters(r.getText());
                case XMLStreamConstants.CDATA -> w.writeCharacters(r.getText());
                default -> {
                    // comments and processing instructions are not part of a value
                }
            }
            if (depth == 0) {
                break;
            }
            r.next();
        } while (true);
        w.close();
        return text.toString();
    }

    private static boolean inScope(Deque<Map<String, String>> scopes, Map<String, String> current, String prefix, String ns) {
        if (ns.equals(current.get(prefix))) {
            return true;
        }
        for (Map<String, String> s : scopes) {
            if (s.containsKey(prefix)) {
                return ns.equals(s.get(prefix));
            }
        }
        return false;
    }

    private static void declare(XMLStreamWriter w, Map<String, String> declared, String prefix, String ns) throws XMLStreamException {
        String p = prefix == null ? "" : prefix;
        String n = ns == null ? "" : ns;
        if (declared.containsKey(p)) {
            return;
        }
        declared.put(p, n);
        if (p.isEmpty()) {
            w.writeDefaultNamespace(n);
        } else {
            w.writeNamespace(p, n);
        }
    }

    /** Refuses {@code xmlns:p=""}, which Namespaces in XML 1.0 forbids (litmus checks that servers notice). */
    static void checkNamespaces(XMLStreamReader r) {
        for (int i = 0; i < r.getNamespaceCount(); i++) {
            String p = r.getNamespacePrefix(i);
            String ns = r.getNamespaceURI(i);
            if (p != null && !p.isEmpty() && (ns == null || ns.isEmpty())) {
                throw HttpError.badRequest("the XML body declares the prefix \"" + p + "\" with an empty namespace");
            }
            if (XMLConstants.XMLNS_ATTRIBUTE.equals(p)) {
                throw HttpError.badRequest("the XML body redeclares the xmlns prefix");
            }
        }
    }

    /** Writes a captured fragment into a response. */
    static void replay(XMLStreamWriter w, String fragment) throws XMLStreamException {
        XMLStreamReader r = DavXml.reader(DavContext.utf8(fragment));
        while (r.hasNext()) {
            switch (r.next()) {
                case XMLStreamConstants.START_ELEMENT -> {
                    String prefix = r.getPrefix() == null ? "" : r.getPrefix();
                    String ns = r.getNamespaceURI() == null ? "" : r.getNamespaceURI();
                    w.writeStartElement(prefix, r.getLocalName(), ns);
                    for (int i = 0; i < r.getNamespaceCount(); i++) {
                        String p = r.getNamespacePrefix(i);
                        String n = r.getNamespaceURI(i) == null ? "" : r.getNamespaceURI(i);
                        if (p == null || p.isEmpty()) {
                            w.writeDefaultNamespace(n);
                        } else {
                            w.writeNamespace(p, n);
                        }
                    }
                    for (int i = 0; i < r.getAttributeCount(); i++) {
                        String ans = r.getAttributeNamespace(i);
                        if (ans == null || ans.isEmpty()) {
                            w.writeAttribute(r.getAttributeLocalName(i), r.getAttributeValue(i));
                        } else {
                            w.writeAttribute(r.getAttributePrefix(i), ans, r.getAttributeLocalName(i), r.getAttributeValue(i));
                        }
                    }
                }
                case XMLStreamConstants.END_ELEMENT -> w.writeEndElement();
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.SPACE, XMLStreamConstants.CDATA -> w.writeCharacters(r.getText());
                default -> {
                }
            }
        }
    }

    /** An empty element with a property's name (propname answers, and names in propstat lists). */
    static void emptyElement(XMLStreamWriter w, String key) throws XMLStreamException {
        String ns = namespaceOf(key);
        String local = localOf(key);
        if (ns.equals(DavXml.DAV)) {
            w.writeEmptyElement("D", local, DavXml.DAV);
        } else if (ns.isEmpty()) {
            w.writeEmptyElement(local);
        } else {
            w.writeEmptyElement("x", local, ns);
            w.writeNamespace("x", ns);
        }
    }
}
