# shellcheck shell=bash
# Shared by kernels/build.sh, kernels/test.sh and ./labhub kernels: where the recipes are, how a
# recipe is read and hashed, and how its image is named. Source it; it defines functions only.

KERNELS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC2034 # used by the scripts that source this file
KERNELS_BUILT=$KERNELS_DIR/.built
KERNELS_IMAGE_PREFIX=localhost/labhub/kernel-
# shellcheck disable=SC2034
KERNELS_DEFAULT=(minimal python)

kl_say() { printf '%s\n' "$*" >&2; }
kl_die() { printf 'kernels: %s\n' "$*" >&2; exit 1; }

# Every recipe folder (one with a manifest.toml), sorted.
kl_names() {
  local d
  for d in "$KERNELS_DIR"/*/; do
    d=${d%/}
    [[ -f $d/manifest.toml ]] && printf '%s\n' "${d##*/}"
  done
}

# kl_check_name NAME: dies unless NAME is a recipe folder.
kl_check_name() {
  [[ $1 =~ ^[a-z0-9][a-z0-9_-]*$ && -f $KERNELS_DIR/$1/manifest.toml ]] ||
    kl_die "unknown kernel '$1' (recipes: $(kl_names | tr '\n' ' '))"
}

# kl_manifest NAME KEY: prints the value of KEY from kernels/NAME/manifest.toml. Supports the flat
# subset of TOML the recipes use: `key = "string"` or `key = number`, and `[section]` headers, whose
# keys are read as section.key. Strings must not contain escapes. Missing key: prints nothing.
kl_manifest() {
  awk -v want="$2" '
    /^[[:space:]]*(#|$)/ { next }
    /^[[:space:]]*\[/ { sec = $0; gsub(/^[[:space:]]*\[|\][[:space:]]*(#.*)?$/, "", sec); next }
    {
      line = $0
      key = line; sub(/[[:space:]]*=.*/, "", key); gsub(/^[[:space:]]+/, "", key)
      if (sec != "") key = sec "." key
      if (key != want) next
      sub(/^[^=]*=[[:space:]]*/, "", line)
      if (line ~ /^"/) { sub(/^"/, "", line); sub(/"[[:space:]]*(#.*)?$/, "", line) }
      else { sub(/[[:space:]]*(#.*)?$/, "", line) }
      print line; exit
    }' "$KERNELS_DIR/$1/manifest.toml"
}

# kl_packages NAME: the Debian packages of a recipe, one per line (comments and blanks dropped).
kl_packages() {
  sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$KERNELS_DIR/$1/packages.txt"
}

# kl_recipe_hash NAME: sha256 over everything an image is built from: the recipe folder, the shared
# files in kernels/common/, the builder, and the snapshot date if one is pinned. Paths and the
# executable bit count too, so a rename or chmod is a change. This library and the tests are left
# out, so editing them does not rebuild every image.
kl_recipe_hash() {
  local name=$1
  (
    cd "$KERNELS_DIR" || exit 1
    find "$name" common build.sh -type f ! -name '*~' ! -name '.*.swp' -print0 | LC_ALL=C sort -z |
      while IFS= read -r -d '' f; do
        printf '%s %s %s\n' "$(sha256sum <"$f" | cut -d' ' -f1)" "$([[ -x $f ]] && echo x || echo -)" "$f"
      done
    printf 'snapshot %s\n' "${LABHUB_SNAPSHOT:-}"
  ) | sha256sum | cut -d' ' -f1
}

kl_image_repo() { printf '%s%s\n' "$KERNELS_IMAGE_PREFIX" "$1"; }

# kl_image_ref NAME HASH: the image reference a recipe with this hash is tagged as.
kl_image_ref() { printf '%s%s:%s\n' "$KERNELS_IMAGE_PREFIX" "$1" "${2:0:12}"; }

# kl_built_ok NAME HASH: true if Podman holds an image tagged for this recipe hash whose label agrees.
kl_built_ok() {
  local label
  label=$(podman image inspect --format '{{index .Labels "org.labhub.recipe-hash"}}' \
    "$(kl_image_ref "$1" "$2")" 2>/dev/null) || return 1
  [[ $label == "$2" ]]
}

# kl_human BYTES: 1.4 GB style (decimal units, as podman prints them).
kl_human() {
  awk -v b="$1" 'BEGIN {
    split("B kB MB GB TB", u, " "); i = 1
    while (b >= 1000 && i < 5) { b /= 1000; i++ }
    printf (i == 1 ? "%d %s\n" : "%.1f %s\n"), b, u[i] }'
}

# kl_list: one line per recipe: its name, display name, whether its image is built from the current
# recipe, and that image's size and package count (./labhub kernels list).
kl_list() {
  local name hash ref state size count
  printf '%-8s %-24s %-12s %-45s %9s %8s\n' NAME DISPLAY STATE IMAGE SIZE PACKAGES
  while IFS= read -r name; do
    hash=$(kl_recipe_hash "$name")
    ref=$(kl_image_ref "$name" "$hash") size='-' count='-'
    if kl_built_ok "$name" "$hash"; then
      state='up to date'
      size=$(kl_human "$(podman image inspect --format '{{.Size}}' "$ref")")
    elif podman image exists "$(kl_image_repo "$name"):latest" 2>/dev/null; then
      state='outdated' ref="$(kl_image_repo "$name"):latest"
      size=$(kl_human "$(podman image inspect --format '{{.Size}}' "$ref")")
    else
      state='not built' ref='-'
    fi
    if [[ $state != 'not built' && -f $KERNELS_BUILT/$name.json ]]; then
      count=$(jq -r '.package_count // "-"' "$KERNELS_BUILT/$name.json" 2>/dev/null) || count='-'
    fi
    printf '%-8s %-24s %-12s %-45s %9s %8s\n' "$name" "$(kl_manifest "$name" display_name)" "$state" "$ref" "$size" "$count"
  done < <(kl_names)
}
