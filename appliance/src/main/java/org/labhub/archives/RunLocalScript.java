package org.labhub.archives;

import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code data/run-local.sh}: re-runs the archive with nothing but Podman, offline. It loads the saved image if
 * this host lacks it, copies the inputs to a scratch folder (the bag itself is read-only and must stay
 * untouched), and executes the notebooks there without network, leaving the executed copies in a folder the
 * caller names.
 */
final class RunLocalScript {
    private RunLocalScript() {}

    static String render(String imageId, boolean byReference, List<String> notebooks) {
        String list = notebooks.stream().map(RunLocalScript::quote).collect(Collectors.joining(" "));
        return """
                #!/usr/bin/env bash
                # Re-runs this preserved analysis with plain Podman, offline (written by labhub).
                # Usage: bash run-local.sh [output-folder]   (default: ./rerun-outputs, beside the archive folder)
                set -euo pipefail
                here="$(cd "$(dirname "$0")" && pwd)"
                image=%s
                out="${1:-$PWD/rerun-outputs}"
                if ! podman image exists "$image"; then
                  if [ -f "$here/environment/image.oci.tar" ]; then
                    podman load -i "$here/environment/image.oci.tar"
                  else
                    echo "image $image is not on this host and this archive keeps it by reference only" >&2
                    exit 1
                  fi
                fi
                work="$(mktemp -d)"
                trap 'rm -rf "$work"' EXIT
                cp -R "$here/inputs/." "$work/"
                # The image runs as its own user: let it write the executed copies into the scratch folder.
                chmod -R a+rwX "$work"
                podman run --rm --network=none -v "$work:/work" -w /work "$image" \\
                  python3 -m nbconvert --to notebook --execute --output-dir /work/.executed %s
                mkdir -p "$out"
                cp -R "$work/.executed/." "$out/"
                echo "executed notebooks written to $out (compare with $here/outputs)"
                """.formatted(quote(imageId), list) + (byReference ? "# the image is kept by reference: keep " + imageId + " on the host\n" : "");
    }

    /** Single-quoted for bash: any character but a single quote is literal inside. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\"'\"'") + "'";
    }
}
