package org.labhub.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.labhub.search.IndexFields.Extract;

/** What a notebook contributes to the index, and that broken, deep or huge notebooks never fail indexing. */
class NotebookTextTest {
    static final String NOTEBOOK = """
            {"cells": [
              {"cell_type": "markdown", "metadata": {}, "source": ["# Soil moisture at the north site\\n", "Daily *averages*."]},
              {"cell_type": "code", "execution_count": 1, "metadata": {}, "source": "import pandas as pd\\ndf = pd.read_csv('moisture.csv')",
               "outputs": [
                 {"output_type": "stream", "name": "stdout", "text": ["loaded 365 rows\\n"]},
                 {"output_type": "execute_result", "execution_count": 1, "metadata": {},
                  "data": {"text/plain": ["mean    0.31"], "text/html": "<table><td>htmlonlyvalue</td></table>",
                           "image/png": "aW1hZ2Vvbmx5dmFsdWU="}},
                 {"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure size 640x480>"}},
                 {"output_type": "error", "ename": "KeyError", "evalue": "'station_id'", "traceback": ["tracebackonlyvalue"]}
               ]},
              {"cell_type": "raw", "metadata": {}, "source": "raw text kept"}
            ],
            "metadata": {"kernelspec": {"display_name": "R", "language": "R", "name": "ir"}, "language_info": {"name": "python"}},
            "nbformat": 4, "nbformat_minor": 5}
            """;

    private static Extract extract(String json) {
        return new NotebookText(1 << 20, 1 << 20).extract("analysis.ipynb", new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void markdownCodeAndTextOutputsAreSearchableButImagesHtmlAndTracebacksAreNot() {
        Extract x = extract(NOTEBOOK);
        assertThat(x.type()).isEqualTo("notebook");
        assertThat(x.content()).contains("Daily *averages*.", "pd.read_csv('moisture.csv')", "loaded 365 rows", "mean    0.31",
                "<Figure size 640x480>", "KeyError: 'station_id'", "raw text kept");
        assertThat(x.content()).doesNotContain("htmlonlyvalue", "aW1hZ2Vvbmx5dmFsdWU", "iVBORw0KGgo", "tracebackonlyvalue");
        assertThat(x.cells()).isEqualTo(3);
    }

    @Test
    void theTitleIsTheFirstMarkdownHeadingAndTheLanguageComesFromTheKernelspec() {
        Extract x = extract(NOTEBOOK);
        assertThat(x.title()).isEqualTo("Soil moisture at the north site");
        assertThat(x.language()).isEqualTo("r");
    }

    @Test
    void aMetadataTitleWinsAndLanguageInfoIsUsedWithoutAKernelspec() {
        Extract x = extract("""
                {"cells": [{"cell_type": "markdown", "source": "## Heading"}],
                 "metadata": {"title": "Given title", "language_info": {"name": "Python"}}, "nbformat": 4}""");
        assertThat(x.title()).isEqualTo("Given title");
        assertThat(x.language()).isEqualTo("python");
    }

    @Test
    void withoutAHeadingTheTitleIsTheFileName() {
        assertThat(extract("{\"cells\": [{\"cell_type\": \"code\", \"source\": \"x = 1\", \"outputs\": []}], \"metadata\": {}}").title())
                .isEqualTo("analysis.ipynb");
    }

    @Test
    void brokenJsonIsIndexedByMetadataOnly() {
        for (String broken : new String[] {"{\"cells\": [{\"cell_type\": \"code\", \"source\": \"unfinished", "not json at all", "[]", "",
                "{\"cells\": 12, \"metadata\": \"x\"}"}) {
            Extract x = extract(broken);
            assertThat(x.type()).as(broken).isEqualTo("notebook");
            assertThat(x.title()).as(broken).isEqualTo("analysis.ipynb");
            assertThat(x.content()).as(broken).isEmpty();
        }
    }

    @Test
    void absurdlyDeepJsonIsRefusedByTheParserNotByTheStack() {
        String deep = "{\"cells\": [], \"metadata\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        Extract x = extract(deep);
        assertThat(x.title()).isEqualTo("analysis.ipynb");
        assertThat(x.content()).isEmpty();
    }

    @Test
    void textBeyondTheCapIsLeftOut() {
        String big = "word ".repeat(50_000);
        String json = "{\"cells\": [{\"cell_type\": \"markdown\", \"source\": \"" + big + "\"}, "
                + "{\"cell_type\": \"markdown\", \"source\": \"afterthecap\"}], \"metadata\": {}}";
        Extract x = new NotebookText(10_000, 1 << 22).extract("big.ipynb", new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
        assertThat(x.content().length()).isLessThanOrEqualTo(10_000);
        assertThat(x.content()).doesNotContain("afterthecap");
        assertThat(x.cells()).isEqualTo(2);
    }

    @Test
    void aNotebookLargerThanTheReadLimitIsIndexedByMetadataOnly() {
        String json = "{\"cells\": [{\"cell_type\": \"markdown\", \"source\": \"" + "x".repeat(5000) + "\"}], \"metadata\": {}}";
        Extract x = new NotebookText(1 << 20, 1000).extract("huge.ipynb", new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
        assertThat(x.content()).isEmpty();
        assertThat(x.title()).isEqualTo("huge.ipynb");
    }
}
