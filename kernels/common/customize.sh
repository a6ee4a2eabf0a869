#!/usr/bin/env bash
# mmdebstrap --customize-hook for every kernel image (run by kernels/build.sh, on the host, after
# all packages are installed and before the rootfs is packed):
#   customize.sh ROOTFS NAME RECIPE_HASH OUTDIR
# It installs the start script, creates the notebook user, runs the recipe's own customize.sh if
# it has one, checks the kernelspec and the notebook, and records the installed packages in the
# image (/usr/share/labhub/) and in OUTDIR (for kernels/.built/NAME.json).
# Everything here happens at build time: the image is never changed at run time.
set -euo pipefail

root=$1 name=$2 hash=$3 outdir=$4
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
recipe=$here/../$name

step() { printf 'I: labhub: %s\n' "$*" >&2; }
fail() { printf 'E: labhub: %s\n' "$*" >&2; exit 1; }
# shellcheck source=kernels/lib.sh
source "$here/../lib.sh"

step "installing /usr/local/bin/labhub-notebook"
install -D -m 0755 "$here/labhub-notebook" "$root/usr/local/bin/labhub-notebook"

# The notebook user: uid/gid 1000, home /home/jovyan (the hub mounts the user's home over it).
# Written directly: useradd is in `passwd`, which the apt variant does not install.
step "creating user jovyan (1000:1000)"
grep -q '^jovyan:' "$root/etc/group" || printf 'jovyan:x:1000:\n' >>"$root/etc/group"
grep -q '^jovyan:' "$root/etc/passwd" ||
  printf 'jovyan:x:1000:1000:notebook user:/home/jovyan:/bin/bash\n' >>"$root/etc/passwd"
if [[ -f $root/etc/shadow ]] && ! grep -q '^jovyan:' "$root/etc/shadow"; then
  printf 'jovyan:*:19000:0:99999:7:::\n' >>"$root/etc/shadow"
fi
if [[ -f $root/etc/gshadow ]] && ! grep -q '^jovyan:' "$root/etc/gshadow"; then
  printf 'jovyan:*::\n' >>"$root/etc/gshadow"
fi
install -d -m 0755 -o 1000 -g 1000 "$root/home/jovyan"

# Extra files of the recipe, copied over the rootfs as they are laid out under files/.
if [[ -d $recipe/files ]]; then
  step "copying $name/files/ into the image"
  cp -a --no-preserve=ownership "$recipe/files/." "$root/"
fi

# The recipe's own build step (e.g. registering a kernelspec the package does not ship).
# It runs on the host with the rootfs as $1: use `chroot "$1" ...` to run commands inside.
if [[ -f $recipe/customize.sh ]]; then
  step "running $name/customize.sh"
  bash "$recipe/customize.sh" "$root"
fi

# The kernel the manifest names must be registered system-wide, and the notebook must import.
kernel=$(kl_manifest "$name" kernel)
[[ -n $kernel ]] || fail "$name/manifest.toml has no kernel"
found=''
for d in usr/share/jupyter/kernels usr/local/share/jupyter/kernels; do
  if [[ -f $root/$d/$kernel/kernel.json ]]; then found=/$d/$kernel; fi
done
[[ -n $found ]] || fail "kernelspec '$kernel' not found in /usr/share/jupyter/kernels or /usr/local/share/jupyter/kernels of the image: add the package that ships it or register it in $name/customize.sh"
step "kernelspec $kernel: $found/kernel.json"
chroot "$root" python3 -c 'import notebook, jupyter_client, tornado' ||
  fail "python3 -m notebook cannot be imported in the image: is python3-notebook in $name/packages.txt?"
[[ -x $root/usr/bin/tini ]] || fail "/usr/bin/tini missing: add tini to $name/packages.txt"

# What the image holds, with exact versions: in the image for the catalog and preserved analyses,
# and outside for kernels/.built/NAME.json.
step "recording the installed packages"
install -d -m 0755 "$root/usr/share/labhub"
# shellcheck disable=SC2016 # dpkg-query's own format
chroot "$root" dpkg-query -W -f '${binary:Package}\t${Version}\n' | LC_ALL=C sort >"$root/usr/share/labhub/packages.txt"
install -m 0644 "$recipe/manifest.toml" "$root/usr/share/labhub/manifest.toml"
printf '%s\n' "$hash" >"$root/usr/share/labhub/recipe-hash"
cp "$root/usr/share/labhub/packages.txt" "$outdir/packages.txt"

# Nothing left behind that only the build needed.
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/* \
  "$root"/var/log/apt/* "$root"/var/cache/debconf/*-old "$root"/var/lib/dpkg/*-old
