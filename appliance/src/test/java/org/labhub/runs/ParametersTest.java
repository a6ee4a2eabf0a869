package org.labhub.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.labhub.web.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Parameter injection and reading a run's outcome from an executed notebook, without containers. */
class ParametersTest {

    private static String source(JsonNode cell) {
        StringBuilder s = new StringBuilder();
        cell.path("source").forEach(l -> s.append(l.asString()));
        return s.toString();
    }

    @Test
    void theInjectedCellGoesRightAfterTheTaggedCell() {
        ObjectNode nb = TestNotebooks.notebook(false, "import x", "a = 1", "print(a)");
        ((ObjectNode) nb.path("cells").get(1).path("metadata")).putArray("tags").add("parameters");
        assertThat(Parameters.inject(nb, Map.of("a", 2))).isEqualTo(2);
        JsonNode cell = nb.path("cells").get(2);
        assertThat(cell.path("metadata").path("tags").get(0).asString()).isEqualTo("injected-parameters");
        assertThat(source(cell)).contains("a = __labhub_json.loads(\"2\")");
        assertThat(nb.path("cells").size()).isEqualTo(4);
    }

    @Test
    void withoutATaggedCellTheParametersComeFirstAndAnEarlierInjectionIsReplaced() {
        ObjectNode nb = TestNotebooks.notebook(false, "print(a)");
        Parameters.inject(nb, Map.of("a", 1));
        assertThat(Parameters.inject(nb, Map.of("a", 5))).isZero();
        assertThat(nb.path("cells").size()).isEqualTo(2);
        assertThat(source(nb.path("cells").get(0))).contains("loads(\"5\")").doesNotContain("loads(\"1\")");
    }

    @Test
    void noParametersLeaveTheNotebookAsItIs() {
        ObjectNode nb = TestNotebooks.notebook(true, "a = 1");
        String before = nb.toString();
        assertThat(Parameters.inject(nb, Map.of())).isEqualTo(-1);
        assertThat(nb.toString()).isEqualTo(before);
    }

    @Test
    void valuesBecomeAsciiPythonStringLiteralsOfTheirJson() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("s", "a\"b\\c\nd'é😀");
        String line = Parameters.sourceLines(p).get(2);
        assertThat(line).isEqualTo("s = __labhub_json.loads(\"\\\"a\\\\\\\"b\\\\\\\\c\\\\nd'\\u00e9\\U0001f600\\\"\")");
        assertThat(line.chars().allMatch(c -> c >= 0x20 && c < 0x7f)).isTrue();
    }

    @Test
    void namesThatAreNotPythonVariablesAreRefused() {
        for (String bad : new String[] {"1a", "a-b", "import", "a b", "x=1;import os", "__labhub_json", "é"}) {
            assertThatThrownBy(() -> Parameters.checkNames(Map.of(bad, 1))).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a Python variable name");
        }
        Parameters.checkNames(Map.of("alpha_2", 1, "_x", 2));
    }

    @Test
    void theFirstErrorOutputNamesTheFailingCell() {
        JsonNode nb = Json.MAPPER.readTree("""
                {"cells":[{"cell_type":"markdown","source":"# t"},
                 {"cell_type":"code","outputs":[{"output_type":"stream","name":"stdout","text":"ok"}]},
                 {"cell_type":"code","outputs":[{"output_type":"error","ename":"KeyError","evalue":"'k'","traceback":[]}]},
                 {"cell_type":"code","outputs":[{"output_type":"error","ename":"ValueError","evalue":"later","traceback":[]}]}]}""");
        assertThat(ExecutedNotebooks.firstFailure(nb)).contains(new RunOutcome.CellFailure(2, "KeyError", "'k'"));
        assertThat(ExecutedNotebooks.firstFailure(Json.MAPPER.readTree("{\"cells\":[]}"))).isEmpty();
    }

    @Test
    void executedCopiesSitNextToTheirNotebook() {
        assertThat(RunSpec.executedName("a/b.ipynb")).isEqualTo("a/b.executed.ipynb");
    }
}
