package org.labhub.search;

import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.BytesRef;
import org.labhub.files.Permission;
import org.labhub.files.ShareLookup;
import org.labhub.storage.Location;

/**
 * What a user may find, as a clause of the Lucene query itself (never a filter over results, which would lose hits
 * past the top N and leak through counts and facets): their own documents, or documents under an item shared with
 * them with read permission, directly or through a group. Each share is one term ({@code owner\0path} in
 * {@link IndexFields#ANCESTORS}), all of them one {@link TermInSetQuery}, so a user with thousands of shares costs
 * two clauses. Public links are not here: a link is a secret for whoever holds it, not a grant to search. Upload-only
 * (drop box) shares give no read, so nothing. Admins get nothing extra, as with files.
 */
final class PermissionFilter {
    private PermissionFilter() {}

    /** The clause for {@code user}, given what is shared with them now. */
    static Query readableBy(String user, List<ShareLookup.Incoming> incoming) {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        b.add(new TermQuery(new Term(IndexFields.OWNER, user)), BooleanClause.Occur.SHOULD);
        List<BytesRef> shared = new ArrayList<>();
        for (ShareLookup.Incoming in : readable(incoming)) {
            shared.add(new BytesRef(IndexFields.id(new Location(in.owner(), in.grant().path()))));
        }
        if (!shared.isEmpty()) {
            b.add(new TermInSetQuery(IndexFields.ANCESTORS, shared), BooleanClause.Occur.SHOULD);
        }
        return b.build();
    }

    /** The incoming shares that let the user read (and so find) what is under them. */
    static List<ShareLookup.Incoming> readable(List<ShareLookup.Incoming> incoming) {
        return incoming.stream().filter(in -> in.grant().permissions().contains(Permission.READ) && !in.grant().path().isRoot())
                .toList();
    }
}
