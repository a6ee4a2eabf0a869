package org.labhub.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.files.ShareLookup;
import org.labhub.web.HttpError;

/** The query language, filters, order, pages and snippets, over a small real index of alice's files. */
class SearchQueriesTest {
    static Corpus corpus;
    static SearchService search;

    static String notebook(String heading, String language, String code) {
        return "{\"cells\": [{\"cell_type\": \"markdown\", \"source\": \"# " + heading + "\"}, {\"cell_type\": \"code\", \"source\": "
                + org.labhub.web.Json.MAPPER.writeValueAsString(code) + ", \"outputs\": []}], "
                + "\"metadata\": {\"kernelspec\": {\"language\": \"" + language + "\"}}, \"nbformat\": 4, \"nbformat_minor\": 5}";
    }

    @BeforeAll
    static void fill() throws IOException {
        corpus = new Corpus();
        search = new SearchService(corpus.index, ShareLookup.NONE, () -> false, 1 << 20);
        write("soil/moisture.ipynb", notebook("Soil moisture", "python", "import pandas as pd\ndf = pd.read_csv('moisture.csv')"), "2026-03-01T00:00:00Z");
        write("soil/growth.ipynb", notebook("Plant growth model", "R", "model <- lm(height ~ water, data = plants)"), "2026-02-01T00:00:00Z");
        write("notes/ideas.md", "Measure the soil moisture with the new probes. Moisture matters.", "2026-01-01T00:00:00Z");
        write("data/plants.csv", "height,water\n1.2,3.4\n", "2025-12-01T00:00:00Z");
        write("xss.ipynb", notebook("Escaping", "python", "print('<script>alert(1)</script> & friends')"), "2025-11-01T00:00:00Z");
        write("photo.png", "\u0089PNG binary moisture", "2025-10-01T00:00:00Z");
        for (int i = 0; i < 25; i++) {
            write("many/log" + i + ".txt", "pagination line " + i, "2025-0" + (1 + i % 9) + "-0" + (1 + i % 9) + "T00:00:00Z");
        }
    }

    static void write(String path, String content, String modified) throws IOException {
        corpus.write("alice", path, content.getBytes(StandardCharsets.UTF_8), Instant.parse(modified));
    }

    @AfterAll
    static void close() throws IOException {
        corpus.close();
    }

    static SearchService.Results run(String... params) throws IOException {
        Map<String, String> p = new HashMap<>();
        for (int i = 0; i < params.length; i += 2) {
            p.put(params[i], params[i + 1]);
        }
        return search.search("alice", SearchRequest.from(n -> Optional.ofNullable(p.get(n))));
    }

    static List<String> paths(String... params) throws IOException {
        return run(params).hits().stream().map(SearchService.Hit::path).toList();
    }

    static String refusal(String... params) {
        HttpError e = (HttpError) org.assertj.core.api.Assertions.catchThrowable(() -> run(params));
        assertThat(e).as("a refusal for " + String.join(" ", params)).isNotNull();
        assertThat(e.status()).isEqualTo(400);
        return e.getMessage();
    }

    @Test
    void wordsMustAllMatchSomewhereInTitleNameOrContent() throws IOException {
        assertThat(paths("q", "moisture")).containsExactlyInAnyOrder("soil/moisture.ipynb", "notes/ideas.md");
        assertThat(paths("q", "moisture pandas")).containsExactly("soil/moisture.ipynb");
        assertThat(paths("q", "plants")).contains("data/plants.csv", "soil/growth.ipynb");
    }

    @Test
    void aPhraseMatchesOnlyTheWordsInThatOrder() throws IOException {
        assertThat(paths("q", "\"soil moisture\"")).containsExactlyInAnyOrder("soil/moisture.ipynb", "notes/ideas.md");
        assertThat(paths("q", "\"moisture soil\"")).isEmpty();
    }

    @Test
    void codeIsFoundByWholeIdentifiersByTheirPartsAndDottedCalls() throws IOException {
        assertThat(paths("q", "read_csv")).containsExactly("soil/moisture.ipynb");
        assertThat(paths("q", "csv")).contains("soil/moisture.ipynb", "data/plants.csv");
        assertThat(paths("q", "pd.read_csv")).containsExactly("soil/moisture.ipynb");
    }

    @Test
    void prefixesMatchWordsThatStartSo() throws IOException {
        assertThat(paths("q", "moist*")).containsExactlyInAnyOrder("soil/moisture.ipynb", "notes/ideas.md");
        assertThat(paths("q", "grow*")).containsExactly("soil/growth.ipynb");
    }

    @Test
    void fieldSyntaxUsesThePeopleFacingFields() throws IOException {
        assertThat(paths("q", "lang:r")).containsExactly("soil/growth.ipynb");
        assertThat(paths("q", "type:notebook moisture")).containsExactly("soil/moisture.ipynb");
        assertThat(paths("q", "ext:csv")).containsExactly("data/plants.csv");
        assertThat(paths("q", "name:plants")).containsExactly("data/plants.csv");
        assertThat(paths("q", "owner:alice moisture")).hasSize(2);
        assertThat(paths("q", "owner:bob")).isEmpty();
        assertThat(paths("q", "title:\"plant growth\"")).containsExactly("soil/growth.ipynb");
        assertThat(paths("q", "moisture NOT type:notebook")).containsExactly("notes/ideas.md");
        assertThat(paths("q", "lang:r OR ext:csv")).containsExactlyInAnyOrder("soil/growth.ipynb", "data/plants.csv");
    }

    @Test
    void binaryFilesAreFoundByNameOnly() throws IOException {
        assertThat(paths("q", "photo")).containsExactly("photo.png");
        assertThat(paths("q", "binary")).isEmpty();
        assertThat(run("q", "photo").hits().get(0).type()).isEqualTo("other");
    }

    @Test
    void filtersNarrowByTypeLanguageOwnerAndDate() throws IOException {
        assertThat(paths("q", "moisture", "type", "text")).containsExactly("notes/ideas.md");
        assertThat(paths("q", "", "lang", "python")).containsExactlyInAnyOrder("soil/moisture.ipynb", "xss.ipynb");
        assertThat(paths("type", "notebook", "after", "2026-01-15", "before", "2026-02-15")).containsExactly("soil/growth.ipynb");
        assertThat(paths("q", "moisture", "owner", "bob")).isEmpty();
    }

    @Test
    void sortByDateIsNewestFirst() throws IOException {
        assertThat(paths("q", "moisture OR plants OR escaping", "sort", "date"))
                .containsExactly("soil/moisture.ipynb", "soil/growth.ipynb", "notes/ideas.md", "data/plants.csv", "xss.ipynb");
    }

    @Test
    void pagesSplitTheResultsWithoutLosingOrRepeatingAny() throws IOException {
        SearchService.Results first = run("q", "pagination", "size", "10", "sort", "date");
        assertThat(first.total()).isEqualTo(25);
        assertThat(first.pages()).isEqualTo(3);
        List<String> all = new java.util.ArrayList<>(first.hits().stream().map(SearchService.Hit::path).toList());
        all.addAll(paths("q", "pagination", "size", "10", "sort", "date", "page", "2"));
        all.addAll(paths("q", "pagination", "size", "10", "sort", "date", "page", "3"));
        assertThat(all).hasSize(25).doesNotHaveDuplicates();
        assertThat(paths("q", "pagination", "size", "10", "page", "4")).isEmpty();
    }

    @Test
    void facetsCountTypesOwnersAndLanguagesOfTheResults() throws IOException {
        SearchService.Results r = run("q", "moisture OR plants");
        assertThat(r.facets().get("type")).containsExactlyInAnyOrder(new SearchService.FacetValue("notebook", 2),
                new SearchService.FacetValue("text", 2));
        assertThat(r.facets().get("owner")).containsExactly(new SearchService.FacetValue("alice", 4));
        assertThat(r.facets().get("lang")).containsExactlyInAnyOrder(new SearchService.FacetValue("python", 1),
                new SearchService.FacetValue("r", 1));
        assertThat(r.facetsComplete()).isTrue();
    }

    @Test
    void aLongFileIsStoredAndReadBackWholeForItsSnippet() throws IOException {
        // Far larger than a stored-fields chunk, so the text is split into slices on disk and joined on reading.
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < 300_000; i++) {
            text.append("filler line ").append(i).append(" of the long log é\n");
        }
        text.append("the quokka census ends here");
        // carol's, so alice's totals and facets elsewhere in this class stay as they are
        corpus.write("carol", "long/census.log", text.toString().getBytes(StandardCharsets.UTF_8), Instant.parse("2025-09-01T00:00:00Z"));
        SearchService.Hit hit = search.search("carol", SearchRequest.from(n -> Optional.ofNullable(n.equals("q") ? "quokka" : null)))
                .hits().get(0);
        assertThat(hit.path()).isEqualTo("long/census.log");
        assertThat(hit.snippet()).endsWith("the <mark>quokka</mark> census ends here");
        assertThat(hit.size()).isEqualTo(text.toString().getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void prefixesAndPhrasesAreMarkedInSnippetsFromTheIndexedOffsets() throws IOException {
        assertThat(run("q", "moist*", "type", "text").hits().get(0).snippet())
                .isEqualTo("Measure the soil <mark>moisture</mark> with the new probes. <mark>Moisture</mark> matters.");
        assertThat(run("q", "\"soil moisture\"", "type", "text").hits().get(0).snippet())
                .isEqualTo("Measure the <mark>soil moisture</mark> with the new probes. Moisture matters.");
    }

    @Test
    void snippetsMarkMatchesAndEscapeEverythingElse() throws IOException {
        SearchService.Hit hit = run("q", "friends").hits().get(0);
        assertThat(hit.snippet()).contains("&lt;script&gt;").contains("<mark>friends</mark>").doesNotContain("<script>");
        assertThat(hit.snippet().replace("<mark>", "").replace("</mark>", "")).doesNotContain("<", ">");
        assertThat(run("q", "moisture", "type", "text").hits().get(0).snippet()).contains("<mark>moisture</mark>");
        assertThat(hit.title()).isEqualTo("Escaping");
        assertThat(hit.openUrl()).isEqualTo("/user/alice/notebooks/xss.ipynb");
        assertThat(hit.url()).isEqualTo("/files/alice/xss.ipynb");
    }

    @Test
    void malformedQueriesAreRefusedWithAMessageThatSaysWhatToChange() {
        assertThat(refusal("q", "\"unterminated")).contains("closing quote");
        assertThat(refusal("q", "*")).contains("cannot start with *");
        assertThat(refusal("q", "?oil")).contains("cannot start with");
        assertThat(refusal("q", "AND AND")).contains("AND, OR and NOT need a word on each side");
        assertThat(refusal("q", "soil AND")).contains("AND, OR and NOT need a word on each side");
        assertThat(refusal("q", "(soil")).contains("parenthesis");
        assertThat(refusal("q", "x".repeat(10 * 1024))).contains("too long");
        assertThat(refusal("q", "id:alice")).contains("no field \"id\"").contains("owner");
        assertThat(refusal("q", "ancestors:x")).contains("no field \"ancestors\"");
        assertThat(refusal("q", "fingerprint:x")).contains("no field");
        assertThat(refusal("q", "*:*")).contains("no field \"*\"");
        assertThat(refusal("q", "w ".repeat(100))).contains("too many terms");
        assertThat(refusal("q", "soil", "sort", "size")).contains("sort must be relevance or date");
        assertThat(refusal("q", "soil", "size", "1000")).contains("size must be");
        assertThat(refusal("q", "soil", "after", "yesterday")).contains("after must be a date");
    }

    @Test
    void aSlashIsPartOfAPathNotARegularExpression() throws IOException {
        assertThat(paths("q", "soil/moisture")).contains("soil/moisture.ipynb");
    }

    @Test
    void anEmptyQueryWithoutFiltersFindsEverythingOnlyThroughTheApi() {
        assertThat(SearchRequest.from(n -> Optional.empty()).isEmpty()).isTrue();
        assertThatThrownBy(() -> SearchRequest.from(n -> n.equals("page") ? Optional.of("0") : Optional.empty()))
                .isInstanceOf(HttpError.class).hasMessageContaining("page must be");
    }
}
