#!/usr/bin/env bash
# Build-time step of the octave recipe (run by kernels/common/customize.sh with the rootfs as $1).
# octave_kernel drives Octave through a pseudo-terminal, so readline wraps every answer in the
# bracketed-paste escapes ESC[?2004h / ESC[?2004l, which then show up in the notebook's output.
# Turning the feature off system-wide gives clean output ("ans = 2").
set -euo pipefail
root=$1
inputrc=$root/etc/inputrc
if ! grep -q '^set enable-bracketed-paste off' "$inputrc" 2>/dev/null; then
  printf '\n# labhub: no bracketed-paste escapes in the Octave kernel'"'"'s output\nset enable-bracketed-paste off\n' >>"$inputrc"
fi
