package org.labhub.runs;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What to run: the user it runs as (their uid, their profile rights), the environment and resource profile, a host
 * folder the caller prepared (mounted read-write at {@code /work}; the executed notebooks and {@code run.log} are
 * written into it), the notebooks to execute in order (paths relative to it), parameters injected after the cell
 * tagged {@code parameters} (JSON values, papermill-style), the time limit, and whether a failing cell stops the run.
 *
 * @param parameters in the order they are injected; values as Jackson reads JSON (null, numbers, strings, lists, maps)
 * @param image an exact image to run instead of the environment's current one (a re-run in a recorded image); the
 *              environment then only names the run and need not exist any more
 * @param userFiles the owner's files, for batch jobs; empty for preserve and re-run, which must run from what the
 *                  archive holds and nothing else (that is what makes an archive self-contained)
 */
public record RunSpec(String user, String environment, String profile, Path workdir, List<String> notebooks,
                      Map<String, Object> parameters, Duration timeout, boolean stopOnError, Optional<String> image,
                      Optional<UserFiles> userFiles) {
    public RunSpec {
        notebooks = List.copyOf(notebooks);
        // Not Map.copyOf: JSON null is a fine parameter value (Python's None), and the order is the user's.
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    public RunSpec(String user, String environment, String profile, Path workdir, List<String> notebooks,
                   Map<String, Object> parameters, Duration timeout, boolean stopOnError) {
        this(user, environment, profile, workdir, notebooks, parameters, timeout, stopOnError, Optional.empty(), Optional.empty());
    }

    /** The same run in an exact image (a name, an id or a {@code name@sha256:…} reference Podman knows). */
    public RunSpec withImage(String imageRef) {
        return new RunSpec(user, environment, profile, workdir, notebooks, parameters, timeout, stopOnError, Optional.of(imageRef),
                userFiles);
    }

    /** The same run with the owner's files mounted and the kernel started in {@code files.workingDir()}. */
    public RunSpec withUserFiles(UserFiles files) {
        return new RunSpec(user, environment, profile, workdir, notebooks, parameters, timeout, stopOnError, image,
                Optional.of(files));
    }

    /** Where the executed copy of {@code notebook} is written, next to it: {@code a/b.ipynb} → {@code a/b.executed.ipynb}. */
    public static String executedName(String notebook) {
        String base = notebook.endsWith(".ipynb") ? notebook.substring(0, notebook.length() - ".ipynb".length()) : notebook;
        return base + ".executed.ipynb";
    }
}
