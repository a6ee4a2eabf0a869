package org.labhub.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PathTemplateTest {

    @Test
    void aVariableMatchesExactlyOneSegment() {
        PathTemplate t = new PathTemplate("/api/users/{name}/servers/{server}");
        assertThat(t.match("/api/users/alice/servers/gpu")).contains(Map.of("name", "alice", "server", "gpu"));
        assertThat(t.match("/api/users/alice/servers/")).isEmpty();
        assertThat(t.match("/api/users/a/b/servers/gpu")).isEmpty();
        assertThat(t.match("/api/users/alice/servers/gpu/x")).isEmpty();
    }

    @Test
    void aRestVariableTakesTheRestOfThePathWithOrWithoutTheSlash() {
        PathTemplate t = new PathTemplate("/dav/{user}/{path*}");
        assertThat(t.match("/dav/alice")).contains(Map.of("user", "alice", "path", ""));
        assertThat(t.match("/dav/alice/")).contains(Map.of("user", "alice", "path", ""));
        assertThat(t.match("/dav/alice/a/b c.txt")).contains(Map.of("user", "alice", "path", "a/b c.txt"));
        assertThat(t.match("/dav/alice/dir/")).contains(Map.of("user", "alice", "path", "dir/"));
        assertThat(t.match("/dav")).isEmpty();
        assertThat(t.match("/davx/alice")).isEmpty();
        assertThat(t.match("/dav/alicex.y")).contains(Map.of("user", "alicex.y", "path", ""));
    }

    @Test
    void regexCharactersInTheTemplateAreLiteral() {
        PathTemplate t = new PathTemplate("/static/app.js");
        assertThat(t.match("/static/app.js")).contains(Map.of());
        assertThat(t.match("/static/appxjs")).isEmpty();
    }

    @Test
    void aRestVariableMustBeTheLastWholeSegment() {
        assertThatThrownBy(() -> new PathTemplate("/dav/{path*}/x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PathTemplate("/dav/x{path*}")).isInstanceOf(IllegalArgumentException.class);
    }
}
