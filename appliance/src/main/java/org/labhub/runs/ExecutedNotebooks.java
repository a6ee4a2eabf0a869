package org.labhub.runs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.labhub.web.Json;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** Reads what an executed notebook says about its run: the first cell whose outputs hold an error. */
public final class ExecutedNotebooks {
    /** Error values longer than this are cut: a traceback's last line is enough to say what went wrong. */
    private static final int MAX_VALUE = 2000;

    private ExecutedNotebooks() {}

    /** The first failing cell of the notebook at {@code file}; empty when no cell raised (or the file is no notebook). */
    public static Optional<RunOutcome.CellFailure> firstFailure(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return firstFailure(Json.MAPPER.readTree(Files.readAllBytes(file)));
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }

    /** The first code cell with an {@code error} output: its index among all cells, the error's name and value. */
    public static Optional<RunOutcome.CellFailure> firstFailure(JsonNode notebook) {
        JsonNode cells = notebook.path("cells");
        for (int i = 0; i < cells.size(); i++) {
            for (JsonNode out : cells.get(i).path("outputs")) {
                if ("error".equals(out.path("output_type").asString(""))) {
                    String value = out.path("evalue").asString("");
                    return Optional.of(new RunOutcome.CellFailure(i, out.path("ename").asString(""),
                            value.length() > MAX_VALUE ? value.substring(0, MAX_VALUE) + "…" : value));
                }
            }
        }
        return Optional.empty();
    }
}
