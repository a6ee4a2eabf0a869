package org.labhub.files;

import java.util.List;
import java.util.Set;
import org.labhub.storage.Location;

/** What a file URL names for one caller: a real place with their permissions there, or a folder the hub makes up. */
public sealed interface Target {

    /** A file or folder in someone's home; {@code permissions} are what this caller holds there. */
    record Real(Location location, Set<Permission> permissions) implements Target {
        public boolean may(Permission p) { return permissions.contains(p); }
    }

    /**
     * A read-only folder that exists only in the caller's view: {@code shared/} (one entry per owner who shared
     * something) and {@code shared/<owner>/} (one entry per item). Each child leads to a real share root.
     */
    record Virtual(List<Child> children) implements Target {}

    /** An entry of a virtual folder: a further virtual folder (an owner), or a shared item under the name it is shown as. */
    record Child(String name, Target target) {}
}
