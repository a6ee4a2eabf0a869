package org.labhub.storage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A path inside one owner's home, as a list of checked names: never absolute, never {@code .} or {@code ..},
 * no {@code /}, {@code \} or NUL inside a name, no name longer than 255 UTF-8 bytes. Every route that takes a
 * file path parses it into this first, so a traversal payload is refused before any file is touched.
 */
public final class RelPath {
    public static final RelPath ROOT = new RelPath(List.of());
    /** The longest name Linux filesystems take (NAME_MAX), in bytes. */
    public static final int MAX_NAME_BYTES = 255;
    /** A bound on depth, so a hostile path cannot make the walk through directory handles arbitrarily long. */
    public static final int MAX_DEPTH = 64;

    private final List<String> names;

    private RelPath(List<String> names) {
        this.names = names;
    }

    /**
     * Parses a {@code /}-separated, already percent-decoded path. Leading, trailing and doubled slashes are
     * ignored (clients send {@code dir/} for folders); anything else suspicious is refused with a reason.
     */
    public static RelPath parse(String path) {
        if (path == null) {
            throw new BadPath("no path given");
        }
        List<String> names = new ArrayList<>();
        for (String name : path.split("/", -1)) {
            if (!name.isEmpty()) {
                names.add(checkName(name));
            }
        }
        if (names.size() > MAX_DEPTH) {
            throw new BadPath("the path is deeper than " + MAX_DEPTH + " folders");
        }
        return names.isEmpty() ? ROOT : new RelPath(Collections.unmodifiableList(names));
    }

    /** Checks one name (a file or folder name, no slashes) and returns it unchanged. */
    public static String checkName(String name) {
        if (name.isEmpty()) {
            throw new BadPath("a name cannot be empty");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new BadPath("\"" + name + "\" is not allowed as a name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == '\\') {
                throw new BadPath("a name cannot contain \"" + c + "\"");
            }
            if (c == 0) {
                throw new BadPath("a name cannot contain a NUL character");
            }
            if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < name.length()
                    && Character.isLowSurrogate(name.charAt(++i)))) {
                throw new BadPath("the name is not valid Unicode");
            }
        }
        if (name.indexOf('\uFFFD') >= 0) {
            throw new BadPath("the name is not valid UTF-8");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new BadPath("a name can be at most " + MAX_NAME_BYTES + " bytes long");
        }
        return name;
    }

    public List<String> names() { return names; }
    public boolean isRoot() { return names.isEmpty(); }
    public int depth() { return names.size(); }

    /** The last name; the root has none. */
    public String name() {
        if (isRoot()) {
            throw new IllegalStateException("the root has no name");
        }
        return names.get(names.size() - 1);
    }

    public RelPath parent() {
        if (isRoot()) {
            throw new IllegalStateException("the root has no parent");
        }
        return names.size() == 1 ? ROOT : new RelPath(names.subList(0, names.size() - 1));
    }

    public RelPath child(String name) {
        List<String> more = new ArrayList<>(names);
        more.add(checkName(name));
        return new RelPath(Collections.unmodifiableList(more));
    }

    public RelPath resolve(RelPath other) {
        List<String> more = new ArrayList<>(names);
        more.addAll(other.names);
        return new RelPath(Collections.unmodifiableList(more));
    }

    /** True when this is {@code prefix} or inside it. */
    public boolean startsWith(RelPath prefix) {
        return names.size() >= prefix.names.size() && names.subList(0, prefix.names.size()).equals(prefix.names);
    }

    /** This path relative to {@code prefix}, which it must start with. */
    public RelPath relativeTo(RelPath prefix) {
        if (!startsWith(prefix)) {
            throw new IllegalArgumentException(this + " is not inside " + prefix);
        }
        return new RelPath(names.subList(prefix.names.size(), names.size()));
    }

    /** Slash-separated, without a leading slash; the root is the empty string. */
    @Override
    public String toString() {
        return String.join("/", names);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RelPath other && other.names.equals(names);
    }

    @Override
    public int hashCode() {
        return names.hashCode();
    }

    /** A path that was refused, with the reason in words for the client. */
    public static final class BadPath extends IllegalArgumentException {
        public BadPath(String message) {
            super(message);
        }
    }
}
