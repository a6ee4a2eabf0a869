package org.labhub.search;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.labhub.auth.Scope;
import org.labhub.web.Access;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.Pages;
import org.labhub.web.Routes;

/**
 * Search over what the caller may read: {@code GET /api/search} (JSON) and the {@code /search} page, which share the
 * request parsing and the service. Searching needs the {@code files} scope: results show file contents.
 */
public final class SearchRoutes implements Routes.Provider {
    private final SearchService search;
    private final Pages pages;

    public SearchRoutes(SearchService search, Pages pages) {
        this.search = search;
        this.pages = pages;
    }

    @Override
    public void register(Routes r) {
        r.get("/api/search", Access.user(Scope.FILES), this::api,
                "Search the notebooks and files you may read (your own and those shared with you). Query: q (words, \"phrases\", "
                        + "prefix*, AND/OR/NOT, field:value with fields title, name, content, owner, type, lang, ext, file; at most "
                        + SearchQuery.MAX_LENGTH + " characters), type=notebook|text|other, owner, lang, after and before "
                        + "(YYYY-MM-DD, on modified time), sort=relevance|date, page (from 1), size (1-" + SearchRequest.MAX_SIZE
                        + ", default " + SearchRequest.DEFAULT_SIZE + "). Answers {query, total, page, size, pages, catching_up, "
                        + "facets: {type|owner|lang: [{value, count}]}, facets_complete, hits: [{title, path, owner, type, lang, size, "
                        + "modified, cells, snippet, url, open_url}]}: path and url as you see the file (shared items under "
                        + "shared/<owner>/<name>/), snippet is HTML (escaped text, matches in <mark>). A malformed query is a 400 "
                        + "whose message says what to change.")
         .get("/search", Access.user(Scope.FILES), this::page, "Search page: results with snippets, filters, sort and pages");
    }

    private void api(Exchange ex) throws IOException {
        SearchRequest req = SearchRequest.from(ex::query);
        ex.json(200, search.search(ex.principal().name(), req));
    }

    private void page(Exchange ex) throws IOException {
        Map<String, Object> model = new HashMap<>();
        model.put("q", ex.query("q").orElse(""));
        model.put("error", "");
        model.put("results", null);
        model.put("filters", List.of());
        model.put("facets", List.of());
        model.put("sorts", List.of());
        model.put("pager", List.of());
        model.put("prev", "");
        model.put("next", "");
        SearchRequest req;
        try {
            req = SearchRequest.from(ex::query);
        } catch (HttpError e) {
            model.put("error", e.getMessage());
            pages.render(ex, 400, "search", model);
            return;
        }
        if (req.isEmpty()) {
            pages.render(ex, "search", model);
            return;
        }
        SearchService.Results results;
        try {
            results = search.search(ex.principal().name(), req);
        } catch (HttpError e) {
            if (e.status() != 400) {
                throw e;
            }
            model.put("error", e.getMessage());
            pages.render(ex, 400, "search", model);
            return;
        }
        model.put("results", results);
        model.put("filters", filters(req));
        model.put("facets", facets(req, results));
        model.put("sorts", List.of(
                new Link("Relevance", url(req, "sort", null), req.sort() == SearchRequest.Sort.RELEVANCE),
                new Link("Newest first", url(req, "sort", "date"), req.sort() == SearchRequest.Sort.DATE)));
        model.put("prev", req.page() > 1 ? url(req, "page", String.valueOf(req.page() - 1)) : "");
        model.put("next", req.page() < results.pages() ? url(req, "page", String.valueOf(req.page() + 1)) : "");
        pages.render(ex, "search", model);
    }

    /** A link with a label; {@code current} marks the one in force. */
    public record Link(String label, String url, boolean current) {}

    /** One facet: its heading and values as links that add (or, when current, remove) the filter. */
    public record Facet(String heading, List<Link> values) {}

    private static List<Facet> facets(SearchRequest req, SearchService.Results results) {
        List<Facet> facets = new ArrayList<>();
        Map<String, String> headings = Map.of(IndexFields.TYPE, "Type", IndexFields.OWNER, "Owner", IndexFields.LANG, "Language");
        for (String field : FacetCounter.FIELDS) {
            Optional<String> current = param(req, field);
            List<Link> links = new ArrayList<>();
            for (SearchService.FacetValue v : results.facets().get(field)) {
                boolean on = current.isPresent() && current.get().equals(v.value());
                links.add(new Link(v.value() + " (" + v.count() + ")", url(req, field, on ? null : v.value()), on));
            }
            if (!links.isEmpty()) {
                facets.add(new Facet(headings.get(field), links));
            }
        }
        return facets;
    }

    /** The filters in force, each as a link that removes it. */
    private static List<Link> filters(SearchRequest req) {
        List<Link> in = new ArrayList<>();
        for (String f : List.of("type", "owner", "lang", "after", "before")) {
            param(req, f).ifPresent(v -> in.add(new Link(f + ": " + v, url(req, f, null), true)));
        }
        return in;
    }

    private static Optional<String> param(SearchRequest req, String name) {
        return switch (name) {
            case "type" -> req.type();
            case "owner" -> req.owner();
            case "lang" -> req.lang();
            case "after" -> req.after().map(i -> i.toString().substring(0, 10));
            case "before" -> req.before().map(i -> i.toString().substring(0, 10));
            default -> Optional.empty();
        };
    }

    /** This search's URL with one parameter changed ({@code null} removes it); the page goes back to 1 unless it is what changed. */
    static String url(SearchRequest req, String name, String value) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("q", req.q());
        for (String f : List.of("type", "owner", "lang", "after", "before")) {
            param(req, f).ifPresent(v -> p.put(f, v));
        }
        if (req.sort() == SearchRequest.Sort.DATE) {
            p.put("sort", "date");
        }
        if (req.size() != SearchRequest.DEFAULT_SIZE) {
            p.put("size", String.valueOf(req.size()));
        }
        if (value == null) {
            p.remove(name);
        } else {
            p.put(name, value);
        }
        StringBuilder b = new StringBuilder("/search?");
        p.forEach((k, v) -> b.append(b.length() > 8 ? "&" : "").append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return b.toString();
    }
}
