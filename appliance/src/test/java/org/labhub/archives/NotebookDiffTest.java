package org.labhub.archives;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.labhub.web.Json;
import tools.jackson.databind.JsonNode;

/** Cell-by-cell comparison of an archived notebook with its re-run. */
class NotebookDiffTest {
    static JsonNode nb(String... outputsPerCell) {
        StringBuilder b = new StringBuilder("{\"cells\":[{\"cell_type\":\"markdown\",\"source\":\"# title\"}");
        for (String outputs : outputsPerCell) {
            b.append(",{\"cell_type\":\"code\",\"execution_count\":7,\"source\":\"x\",\"outputs\":[").append(outputs).append("]}");
        }
        return Json.MAPPER.readTree(b.append("]}").toString());
    }

    static String stream(String text) {
        return "{\"output_type\":\"stream\",\"name\":\"stdout\",\"text\":" + Json.MAPPER.writeValueAsString(text) + "}";
    }

    static String png(String base64) {
        return "{\"output_type\":\"display_data\",\"data\":{\"image/png\":\"" + base64 + "\",\"text/plain\":\"<Figure>\"},\"metadata\":{}}";
    }

    @Test
    void identicalOutputsAreIdenticalWhateverTheExecutionCounts() {
        JsonNode a = nb(stream("hello\n"), png("iVBORw0KGgo="));
        JsonNode b = Json.MAPPER.readTree(a.toString().replace("\"execution_count\":7", "\"execution_count\":1"));
        assertThat(NotebookDiff.compare(a, b, Optional.empty())).extracting(NotebookDiff.CellResult::status)
                .containsExactly(NotebookDiff.Status.IDENTICAL, NotebookDiff.Status.IDENTICAL);
        assertThat(NotebookDiff.compare(a, b, Optional.empty())).extracting(NotebookDiff.CellResult::index).containsExactly(1, 2);
    }

    @Test
    void changedTextDiffersWithAUnifiedDiff() {
        List<NotebookDiff.CellResult> r = NotebookDiff.compare(nb(stream("a\nb\n0.123\nc\n")), nb(stream("a\nb\n0.987\nc\n")), Optional.empty());
        assertThat(r.get(0).status()).isEqualTo(NotebookDiff.Status.DIFFERS);
        assertThat(r.get(0).diff()).contains("--- archived\n+++ re-run\n@@ -1,").contains("\n-0.123\n+0.987\n").contains("\n b\n");
    }

    @Test
    void imagesAreComparedByTheHashOfTheirBytes() {
        List<NotebookDiff.CellResult> r = NotebookDiff.compare(nb(png("AAAA")), nb(png("AAAB")), Optional.empty());
        assertThat(r.get(0).status()).isEqualTo(NotebookDiff.Status.DIFFERS);
        assertThat(r.get(0).diff()).contains("[image/png] sha256:");
    }

    @Test
    void numbersWithinTheToleranceCountAsIdenticalAndOthersDoNot() {
        JsonNode a = nb(stream("mean = 1.000001 after 10 steps\n"));
        JsonNode b = nb(stream("mean = 1.000002 after 10 steps\n"));
        assertThat(NotebookDiff.compare(a, b, Optional.of(1e-5)).get(0).status()).isEqualTo(NotebookDiff.Status.IDENTICAL);
        assertThat(NotebookDiff.compare(a, b, Optional.of(1e-9)).get(0).status()).isEqualTo(NotebookDiff.Status.DIFFERS);
        assertThat(NotebookDiff.compare(a, b, Optional.empty()).get(0).status()).isEqualTo(NotebookDiff.Status.DIFFERS);
        JsonNode words = nb(stream("mean = 1.000002 after 11 steps!\n"));
        assertThat(NotebookDiff.compare(a, words, Optional.of(0.5)).get(0).status()).as("text around numbers must match")
                .isEqualTo(NotebookDiff.Status.DIFFERS);
    }

    @Test
    void aCellThatRaisesInTheReRunIsErrored() {
        String error = "{\"output_type\":\"error\",\"ename\":\"ZeroDivisionError\",\"evalue\":\"division by zero\",\"traceback\":[]}";
        NotebookDiff.CellResult r = NotebookDiff.compare(nb(stream("1\n")), nb(error), Optional.empty()).get(0);
        assertThat(r.status()).isEqualTo(NotebookDiff.Status.ERRORED);
        assertThat(r.error()).isEqualTo("ZeroDivisionError: division by zero");
    }

    @Test
    void aMissingCellDiffers() {
        List<NotebookDiff.CellResult> r = NotebookDiff.compare(nb(stream("1\n"), stream("2\n")), nb(stream("1\n")), Optional.empty());
        assertThat(r).extracting(NotebookDiff.CellResult::status).containsExactly(NotebookDiff.Status.IDENTICAL, NotebookDiff.Status.DIFFERS);
    }
}
