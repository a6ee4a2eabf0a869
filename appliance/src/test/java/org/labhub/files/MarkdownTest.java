package org.labhub.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Markdown cells are shown as formatted prose, and nothing their author writes can run as the viewer. */
class MarkdownTest {

    @Test
    void proseHeadingsListsCodeAndTablesAreRendered() {
        String html = Markdown.toHtml("# Results\n\nSoil **moisture** is *high*.\n\n- north\n- south\n\n```python\nx = 1\n```\n\n"
                + "| site | mean |\n| --- | --- |\n| north | 0.31 |\n\n[report](https://example.org/r) and [next](part2.ipynb)");
        assertThat(html).contains("<h1>Results</h1>", "<strong>moisture</strong>", "<em>high</em>", "<li>north</li>",
                "<code class=\"language-python\">x = 1", "<th>site</th>", "<td>0.31</td>",
                "<a rel=\"nofollow noopener noreferrer\" href=\"https://example.org/r\">report</a>",
                "<a rel=\"nofollow noopener noreferrer\" href=\"part2.ipynb\">next</a>");
    }

    @Test
    void rawHtmlIsShownAsText() {
        String html = Markdown.toHtml("<script>alert(1)</script>\n\nInline <img src=x onerror=alert(2)> and <b onclick=\"x()\">b</b>");
        assertThat(html).doesNotContain("<script", "<img", "<b ").contains("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(2)&gt;");
    }

    @Test
    void onlySafeLinkAndImageAddressesAreKept() {
        for (String bad : new String[] {"javascript:alert(1)", "JavaScript:alert(1)", "java\tscript:alert(1)", "javascript&#58;alert(1)",
                " javascript:alert(1)", "vbscript:x", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "file:///etc/passwd"}) {
            String link = Markdown.toHtml("[click](" + bad + ")");
            // either no link at all (not valid markdown link syntax) or one that goes nowhere
            assertThat(link).as(bad).doesNotContainPattern("href=\"[^\"]").doesNotContain("src=");
        }
        assertThat(Markdown.toHtml("[click](javascript:alert(1))")).as("a link that goes nowhere").contains("href=\"\">click</a>");
        assertThat(Markdown.toHtml("[click](data:text/html,x)")).contains("href=\"\">click</a>");
        assertThat(Markdown.toHtml("[mail](mailto:lab@example.org)")).contains("href=\"mailto:lab@example.org\"");
        assertThat(Markdown.toHtml("![plot](data:image/png;base64,iVBORw0KGgo=)")).contains("src=\"data:image/png;base64,iVBORw0KGgo=\"");
        assertThat(Markdown.toHtml("![plot](figures/plot.png)")).contains("src=\"figures/plot.png\"");
        assertThat(Markdown.toHtml("![x](data:image/svg+xml;base64,PHN2Zz4=)")).contains("src=\"\"");
        assertThat(Markdown.toHtml("![x](https://tracker.example.org/p.gif)")).contains("src=\"\"");
        assertThat(Markdown.toHtml("![x](attachment:image.png)")).contains("src=\"\"");
    }

    @Test
    void attributesCannotBeBrokenOutOf() {
        String html = Markdown.toHtml("[x](https://a.example/\"onmouseover=\"alert(1) \"title\") ![y\" onerror=\"alert(2)](p.png)");
        assertThat(html).doesNotContain("\"onmouseover=", "\" onerror=\"");
    }

    @Test
    void aNotebookViewCarriesTheRenderedMarkdownOnlyForMarkdownCells() {
        String nb = "{\"cells\":[{\"cell_type\":\"markdown\",\"source\":[\"## Method\\n\",\"<i>x</i>\"]},"
                + "{\"cell_type\":\"code\",\"execution_count\":1,\"source\":\"print('<b>')\",\"outputs\":[]},"
                + "{\"cell_type\":\"raw\",\"source\":\"# not a heading\"}],\"metadata\":{}}";
        NotebookView.View v = NotebookView.render(new ByteArrayInputStream(nb.getBytes(StandardCharsets.UTF_8)));
        assertThat(v.cells().get(0).html()).contains("<h2>Method</h2>", "&lt;i&gt;x&lt;/i&gt;");
        assertThat(v.cells().get(1).html()).isEmpty();
        assertThat(v.cells().get(2).html()).isEmpty();
    }
}
