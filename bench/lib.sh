# shellcheck shell=bash
# Shared by bench/run.sh and bench/deploy.sh: `. bench/lib.sh`.

say() { printf '%s\n' "$*" >&2; }

# One line describing this machine, for the results files.
machine() {
  local cpu mem
  cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
  mem=$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
  printf '%s CPUs, %s, %s RAM, Linux %s' "$(nproc)" "${cpu:-unknown CPU}" "$mem" "$(uname -r)"
}

# stackc's version line plus the commit it was built from.
stackc_version() { # STACKC
  local v=
  [ -x "$1" ] && v=$("$1" --version 2>/dev/null | head -1)
  printf '%s (%s)' "${v:-stackc}" "$(git describe --always --dirty 2>/dev/null || echo unknown)"
}

# The stackc binary under $BUILD (absolute), built with make when missing; empty if it cannot be.
stackc_bin() { # ROOT BUILD
  local b=$2
  case $b in /*) ;; *) b=$1/$b ;; esac
  if [ ! -x "$b/stackc" ]; then
    say "building $b/stackc"
    make -C "$1" --no-print-directory BUILD="$b" "$b/stackc" >&2 || { say "stackc does not build"; return 0; }
  fi
  echo "$b/stackc"
}
