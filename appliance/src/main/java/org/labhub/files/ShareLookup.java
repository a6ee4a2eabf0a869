package org.labhub.files;

import java.util.List;
import java.util.Set;
import org.labhub.storage.RelPath;

/** What shares say about access, asked by {@link FileNamespace}. The shares feature answers it from the catalog. */
public interface ShareLookup {

    /** One share into {@code owner}'s home that reaches {@code user}: the shared item and the permissions it gives. */
    record Grant(RelPath path, Set<Permission> permissions) {}

    /** An item shared with {@code user}: whose, the name it is shown as under {@code shared/<owner>/}, and the grant. */
    record Incoming(String owner, String name, Grant grant) {}

    /** Shares (to the user or to a group of theirs) into {@code owner}'s home. */
    List<Grant> grantsTo(String user, String owner);

    /** Everything shared with the user (directly or through a group), for their {@code shared/} folder. */
    List<Incoming> incoming(String user);

    /** No shares at all: each user reaches only their own home. */
    ShareLookup NONE = new ShareLookup() {
        @Override
        public List<Grant> grantsTo(String user, String owner) { return List.of(); }

        @Override
        public List<Incoming> incoming(String user) { return List.of(); }
    };
}
