package org.labhub.dav;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.labhub.storage.AtomicFiles;
import org.labhub.storage.Location;
import org.labhub.storage.RelPath;
import org.labhub.web.Json;
import tools.jackson.core.type.TypeReference;

/**
 * Dead properties (what PROPPATCH sets), one JSON file per owner under {@code <data>/dav-props/}, outside the
 * home so a container cannot forge them. Each value is the property element as XML text, kept as sent. They are
 * few (clients rarely set any), so an owner's whole map is held in memory and rewritten atomically on change.
 */
final class DeadProps {
    private static final TypeReference<TreeMap<String, LinkedHashMap<String, String>>> TYPE = new TypeReference<>() {};

    private final Path root;
    private final Map<String, TreeMap<String, LinkedHashMap<String, String>>> cache = new HashMap<>();

    DeadProps(Path root) {
        this.root = root;
    }

    /** The properties of one resource: key {@code {namespace}name}, value the element as XML. */
    synchronized Map<String, String> get(Location at) throws IOException {
        Map<String, String> p = load(at.owner()).get(key(at.path()));
        return p == null ? Map.of() : new LinkedHashMap<>(p);
    }

    /** The properties of every item directly in {@code folder} that has any, by name: one look-up for a listing. */
    synchronized Map<String, Map<String, String>> children(Location folder) throws IOException {
        TreeMap<String, LinkedHashMap<String, String>> all = load(folder.owner());
        if (all.isEmpty()) {
            return Map.of();
        }
        String prefix = folder.path().isRoot() ? "/" : key(folder.path()) + "/";
        Map<String, Map<String, String>> found = new HashMap<>();
        all.subMap(prefix, false, prefix + Character.MAX_VALUE, false).forEach((k, v) -> {
            String rest = k.substring(prefix.length());
            if (!rest.isEmpty() && rest.indexOf('/') < 0) {
                found.put(rest, new LinkedHashMap<>(v));
            }
        });
        return found;
    }

    synchronized void put(Location at, Map<String, String> props) throws IOException {
        TreeMap<String, LinkedHashMap<String, String>> all = load(at.owner());
        if (props.isEmpty()) {
            if (all.remove(key(at.path())) == null) {
                return;
            }
        } else {
            all.put(key(at.path()), new LinkedHashMap<>(props));
        }
        save(at.owner(), all);
    }

    /** Forgets the properties of {@code at} and everything below it. */
    synchronized void delete(Location at) throws IOException {
        TreeMap<String, LinkedHashMap<String, String>> all = load(at.owner());
        if (all.keySet().removeIf(k -> under(k, at.path()))) {
            save(at.owner(), all);
        }
    }

    /** Copies (or moves) the properties of {@code from} and everything below it to {@code to}. */
    synchronized void copy(Location from, Location to, boolean move) throws IOException {
        TreeMap<String, LinkedHashMap<String, String>> src = load(from.owner());
        TreeMap<String, LinkedHashMap<String, String>> dst = load(to.owner());
        dst.keySet().removeIf(k -> under(k, to.path()));
        Map<String, LinkedHashMap<String, String>> found = new LinkedHashMap<>();
        src.forEach((k, v) -> {
            if (under(k, from.path())) {
                found.put(k, v);
            }
        });
        if (move) {
            src.keySet().removeAll(found.keySet());
        }
        String fromKey = key(from.path());
        found.forEach((k, v) -> dst.put(key(to.path()) + k.substring(fromKey.length()), new LinkedHashMap<>(v)));
        save(to.owner(), dst);
        if (move && !from.owner().equals(to.owner())) {
            save(from.owner(), src);
        }
    }

    private static String key(RelPath p) {
        return "/" + p;
    }

    private static boolean under(String k, RelPath p) {
        String base = key(p);
        return k.equals(base) || k.startsWith(base.endsWith("/") ? base : base + "/");
    }

    private TreeMap<String, LinkedHashMap<String, String>> load(String owner) throws IOException {
        TreeMap<String, LinkedHashMap<String, String>> m = cache.get(owner);
        if (m == null) {
            Path f = file(owner);
            m = Files.exists(f) ? Json.MAPPER.readValue(Files.readString(f, StandardCharsets.UTF_8), TYPE) : new TreeMap<>();
            cache.put(owner, m);
        }
        return m;
    }

    private void save(String owner, TreeMap<String, LinkedHashMap<String, String>> all) throws IOException {
        Files.createDirectories(root);
        AtomicFiles.writePrivate(file(owner), Json.MAPPER.writeValueAsString(all).getBytes(StandardCharsets.UTF_8));
    }

    private Path file(String owner) {
        return root.resolve(RelPath.checkName(owner) + ".json");
    }
}
