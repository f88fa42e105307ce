#!/usr/bin/env bash
# Issue 16: libcredence_c.so, the C library under the Python package, may need only libc
# (with its loader and, on older glibc, libpthread/libdl/librt), libm, libstdc++/libgcc,
# OpenBLAS (with libgfortran and libquadmath) and zlib, which every Debian or Ubuntu image
# has or installs with `apt-get install libopenblas0`. Fails, naming each library, when
# `ldd` lists anything else (FoundationXML used to bring libxml2, ICU and liblzma) or a
# library it cannot find.
#   bash scripts/check-c-deps.sh [path/to/libcredence_c.so]   (default: the release build)
set -euo pipefail

lib=${1:-.build/release/libcredence_c.so}
if [[ ! -f $lib ]]; then
  echo "check-c-deps: $lib does not exist; build it with: swift build -c release --product credence_c" >&2
  exit 2
fi

allowed='^(linux-vdso\.so\.1|linux-gate\.so\.1|ld-linux[-a-z0-9_]*\.so\.[0-9]+|libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1|libstdc\+\+\.so\.6|libgcc_s\.so\.1|libopenblas[a-z0-9_]*\.so\.0|libgfortran\.so\.[0-9]+|libquadmath\.so\.0|libz\.so\.1)$'

listing=$(ldd "$lib")
bad=()
while read -r line; do
  [[ -z $line ]] && continue
  name=${line%% *}
  name=${name##*/}
  if [[ $line == *"not found"* ]]; then
    bad+=("$name (not found)")
  elif ! [[ $name =~ $allowed ]]; then
    bad+=("$name")
  fi
done <<< "$listing"

if ((${#bad[@]})); then
  echo "check-c-deps: $lib needs libraries outside the allowed set (libc, libm, libstdc++/libgcc, OpenBLAS with libgfortran/libquadmath, zlib):" >&2
  printf '  %s\n' "${bad[@]}" >&2
  echo "ldd $lib:" >&2
  echo "$listing" >&2
  exit 1
fi
echo "check-c-deps: $lib needs only $(awk '{print $1}' <<< "$listing" | sed 's|.*/||' | grep -v vdso | sort | paste -sd' ')"
