package org.labhub.config;

/** Renders docs/configuration.md from {@link Settings}, so the docs cannot drift from the code. */
public final class ConfigDoc {
    private ConfigDoc() {}

    public static String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Configuration\n\n")
          .append("labhub reads one TOML file, then `LABHUB_*` environment variables, then command-line flags; ")
          .append("each later source overrides the earlier ones. The file is `--config FILE`, else `$LABHUB_CONFIG`, ")
          .append("else `<data>/labhub.conf` when it exists. Unknown keys and bad values stop the start-up with a message naming the key.\n\n")
          .append("```toml\n[http]\nport = 8443\nbind = \"0.0.0.0\"\n\n[tls]\nself_signed = true\n```\n\n")
          .append("Durations are written `500ms`, `30s`, `15m`, `8h` or `14d`.\n")
          .append("This page is generated from the code (`./labhub config-doc`); a test fails when it is out of date.\n\n")
          .append("| key | environment variable | default | meaning |\n| --- | --- | --- | --- |\n");
        for (Setting<?> s : Settings.ALL) {
            md.append("| `").append(s.key()).append("` | `").append(s.envName()).append("` | `")
              .append(s.defaultText().isEmpty() ? "\"\"" : s.defaultText()).append("` | ")
              .append(s.description().replace("|", "\\|")).append(" |\n");
        }
        return md.toString();
    }
}
