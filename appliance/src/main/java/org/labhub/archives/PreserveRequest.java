package org.labhub.archives;

import java.util.List;
import org.labhub.web.HttpError;

/** What a user asks to preserve (the body of {@code POST /api/archives}), checked before anything runs. */
public record PreserveRequest(String path, String environment, String profile, String title, String description,
                              List<String> authors, String license, List<String> keywords, boolean byReference,
                              boolean doesNotRun) {
    public PreserveRequest {
        description = description == null ? "" : description.strip();
        authors = authors == null ? List.of() : authors.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        keywords = keywords == null ? List.of() : keywords.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        license = license == null ? "" : license.strip();
        profile = profile == null ? "" : profile.strip();
    }

    /** A 400 naming the first field that is missing or too long. */
    public PreserveRequest checked() {
        if (path == null || path.isBlank()) {
            throw HttpError.badRequest("path: name the notebook or folder to preserve (in your files)");
        }
        if (environment == null || environment.isBlank()) {
            throw HttpError.badRequest("environment: choose the environment the analysis runs in");
        }
        if (title == null || title.isBlank() || title.length() > 500) {
            throw HttpError.badRequest("title: give the archive a title of 1 to 500 characters");
        }
        if (description.length() > 8000) {
            throw HttpError.badRequest("description: at most 8000 characters");
        }
        if (authors.isEmpty()) {
            throw HttpError.badRequest("authors: name at least one author (they appear in the citation)");
        }
        if (String.join("\n", authors).length() > 4000 || String.join("\n", keywords).length() > 4000) {
            throw HttpError.badRequest("authors and keywords: at most 4000 characters each");
        }
        if (license.length() > 200) {
            throw HttpError.badRequest("license: at most 200 characters (an SPDX id or a URL)");
        }
        for (String s : authors) {
            if (s.contains("\n")) {
                throw HttpError.badRequest("authors: one name per entry, without line breaks");
            }
        }
        return this;
    }
}
