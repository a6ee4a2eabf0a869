package org.labhub.files;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.labhub.storage.Location;
import org.labhub.storage.RelPath;
import org.labhub.web.HttpError;

/**
 * Turns a file URL ({@code <user>/<path>}, as in {@code /dav/<user>/…} and {@code /api/files/<user>/…}) into a
 * {@link Target} for one caller. The caller's own URL is their home, except {@code shared/}, which shows what
 * others shared with them (as it appears in their container at {@code ~/shared/<owner>/<name>}). Another user's
 * URL reaches only what that user shared with the caller. Everything else is 404, so that the existence of
 * other people's files is never revealed.
 */
public final class FileNamespace {
    /** The folder of a home where incoming shares appear; a real folder of that name is hidden by it. */
    public static final String SHARED = "shared";

    private final ShareLookup shares;

    public FileNamespace(ShareLookup shares) {
        this.shares = shares;
    }

    public Target resolve(String caller, String user, RelPath path) {
        if (caller.equals(user)) {
            if (!path.isRoot() && path.names().get(0).equals(SHARED)) {
                return incoming(caller, path.relativeTo(RelPath.parse(SHARED)));
            }
            return new Target.Real(new Location(user, path), Permission.all());
        }
        Set<Permission> held = EnumSet.noneOf(Permission.class);
        for (ShareLookup.Grant g : shares.grantsTo(caller, user)) {
            if (path.startsWith(g.path())) {
                held.addAll(g.permissions());
            }
        }
        if (held.isEmpty()) {
            throw HttpError.notFound("there is nothing at /" + user + "/" + path + " that you may see");
        }
        return new Target.Real(new Location(user, path), held);
    }

    private Target incoming(String caller, RelPath rest) {
        Map<String, List<ShareLookup.Incoming>> byOwner = new LinkedHashMap<>();
        for (ShareLookup.Incoming in : shares.incoming(caller)) {
            byOwner.computeIfAbsent(in.owner(), o -> new ArrayList<>()).add(in);
        }
        if (rest.isRoot()) {
            List<Target.Child> owners = new ArrayList<>();
            byOwner.forEach((owner, items) -> owners.add(new Target.Child(owner, incoming(caller, RelPath.parse(owner)))));
            return new Target.Virtual(owners);
        }
        List<ShareLookup.Incoming> items = byOwner.getOrDefault(rest.names().get(0), List.of());
        if (items.isEmpty()) {
            throw HttpError.notFound("nothing is shared with you by \"" + rest.names().get(0) + "\"");
        }
        if (rest.depth() == 1) {
            List<Target.Child> children = new ArrayList<>();
            for (ShareLookup.Incoming in : items) {
                children.add(new Target.Child(in.name(), real(in, RelPath.ROOT)));
            }
            return new Target.Virtual(children);
        }
        for (ShareLookup.Incoming in : items) {
            if (in.name().equals(rest.names().get(1))) {
                return real(in, rest.relativeTo(RelPath.parse(rest.names().get(0) + "/" + in.name())));
            }
        }
        throw HttpError.notFound("\"" + rest.names().get(1) + "\" is not shared with you by \"" + rest.names().get(0) + "\"");
    }

    private static Target real(ShareLookup.Incoming in, RelPath inside) {
        return new Target.Real(new Location(in.owner(), in.grant().path().resolve(inside)), in.grant().permissions());
    }
}
