package org.labhub.storage;

/** A file or folder in someone's home: whose home, and where in it. Access is decided before one is made. */
public record Location(String owner, RelPath path) {
    public Location parent() { return new Location(owner, path.parent()); }
    public Location child(String name) { return new Location(owner, path.child(name)); }

    @Override
    public String toString() {
        return owner + ":/" + path;
    }
}
