package org.labhub.runs;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What to run: the user it runs as (their uid, their profile rights), the environment and resource profile, a host
 * folder the caller prepared (mounted read-write at {@code /work}; the executed notebooks and {@code run.log} are
 * written into it), the notebooks to execute in order (paths relative to it), parameters injected after the cell
 * tagged {@code parameters} (JSON values, papermill-style), the time limit, and whether a failing cell stops the run.
 */
public record RunSpec(String user, String environment, String profile, Path workdir, List<String> notebooks,
                      Map<String, Object> parameters, Duration timeout, boolean stopOnError) {
    public RunSpec {
        notebooks = List.copyOf(notebooks);
        parameters = Map.copyOf(parameters);
    }
}
