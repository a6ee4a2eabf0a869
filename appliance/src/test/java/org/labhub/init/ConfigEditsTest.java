package org.labhub.init;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The in-place TOML edits {@code labhub init} makes: only its own keys change, everything else stays as written. */
class ConfigEditsTest {
    private static final String FILE = String.join("\n",
            "# my hub",
            "[http]",
            "port = 443   # the public port",
            "bind = \"0.0.0.0\"",
            "",
            "[tls]",
            "certificate = \"/etc/labhub/tls/cert.pem\"",
            "private_key = \"/etc/labhub/tls/key.pem\"",
            "",
            "[podman]",
            "socket = \"/run/podman/podman.sock\" # root's",
            "");

    @Test
    void anUnchangedValueKeepsItsLineAndCommentAndNothingIsReportedChanged() {
        ConfigEdits edits = new ConfigEdits().set("http", "port", "443").set("podman", "socket", ConfigEdits.quoted("/run/podman/podman.sock"));

        assertThat(edits.applyTo(FILE)).isEqualTo(FILE);
        assertThat(edits.changed()).isEmpty();
    }

    @Test
    void aChangedValueReplacesOnlyItsOwnLineAndRemovedKeysGoWhileOtherLinesStay() {
        ConfigEdits edits = new ConfigEdits().set("tls", "self_signed", "true").remove("tls", "certificate").remove("tls", "private_key")
                .set("http", "public_url", ConfigEdits.quoted("https://lab.example.org"));

        String out = edits.applyTo(FILE);

        assertThat(out).isEqualTo(String.join("\n",
                "# my hub",
                "[http]",
                "port = 443   # the public port",
                "bind = \"0.0.0.0\"",
                "public_url = \"https://lab.example.org\"",
                "",
                "[tls]",
                "self_signed = true",
                "",
                "[podman]",
                "socket = \"/run/podman/podman.sock\" # root's",
                ""));
        assertThat(edits.changed()).containsExactly("tls.self_signed = true", "tls.certificate removed", "tls.private_key removed",
                "http.public_url = \"https://lab.example.org\"");
    }

    @Test
    void aMissingSectionIsAddedAtTheEndAndAKeyOfTheSameNameInAnotherSectionIsLeftAlone() {
        String out = new ConfigEdits().set("data", "root", ConfigEdits.quoted("/var/lib/labhub")).set("tls", "port", "1")
                .applyTo("[http]\nport = 80\n");

        assertThat(out).isEqualTo("[http]\nport = 80\n\n[data]\nroot = \"/var/lib/labhub\"\n\n[tls]\nport = 1\n");
        assertThat(new ConfigEdits().set("http", "port", "80").applyTo("")).isEqualTo("[http]\nport = 80\n");
    }

    @Test
    void stringsAreQuotedForToml() {
        assertThat(ConfigEdits.quoted("a \"b\" \\c")).isEqualTo("\"a \\\"b\\\" \\\\c\"");
    }
}
