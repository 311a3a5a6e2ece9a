#!/bin/sh
# The README's "A new application with the agent", built as a user would
# build it: its four files are taken from examples/unikraft/README.md as
# written, into a fresh folder, and its two make commands are run there with
# UK_ROOT pointing at the stand-in for Unikraft (../stand-in-unikraft), which
# checks what the Makefile hands Unikraft and compiles the agent's sources,
# as the library's Makefile.uk lists them, against the host test double.
# Also: a relative UKSTOREAGENT, a goal named like a file, and the build's
# refusal when ukconsole's ns16550 also takes COM2.
set -eu
host=$(cd "$(dirname "$0")/.." && pwd)
readme=$host/../README.md
lib=$(cd "$host/../lib/ukstoreagent" && pwd)
standin=$host/stand-in-unikraft
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "  ok   $1"; }
ko() { failed=$((failed + 1)); echo "  FAIL $1" >&2; }

# The blocks that follow a line "`FILE`:" or "`FILE` (…" in the section.
extract() { # $1: app folder
	awk -v dir="$1" '
		/^### A new application with the agent/ { on = 1; next }
		on && /^### / { on = 0 }
		!on { next }
		/^```/ { if (name != "" && !inblock) { inblock = 1; next }
			 if (inblock) { inblock = 0; close(dir "/" name); name = ""; next } }
		inblock { print > (dir "/" name); next }
		/^`[A-Za-z0-9._-]+`(:| \()/ { n = $0; sub(/^`/, "", n); sub(/`.*/, "", n); name = n }
	' "$readme"
}

new_app() { # $1: folder; prints nothing, fails if a file is missing
	mkdir -p "$1"
	extract "$1"
	for f in Makefile Makefile.uk main.c qemu-x86_64.defconfig; do
		[ -s "$1/$f" ] || { echo "README gives no $f" >&2; return 1; }
	done
}

# The commands the README gives, verbatim.
for line in 'make defconfig UK_DEFCONFIG=$(pwd)/qemu-x86_64.defconfig' 'make -j2'; do
	grep -qxF "$line" "$readme" && ok "README says: $line" || ko "README does not say: $line"
done

app=$work/myapp
new_app "$app"
if (cd "$app" && make -s defconfig UK_DEFCONFIG=$(pwd)/qemu-x86_64.defconfig UK_ROOT="$standin" UKSTOREAGENT="$lib" &&
	make -s -j2 UK_ROOT="$standin" UKSTOREAGENT="$lib") >"$work/log" 2>&1 &&
	[ -x "$app/build/myapp_stand-in" ]; then
	ok "the README's application builds (defconfig, then make)"
	if grep -q "jobserver unavailable" "$work/log"; then
		ko "make -j2 reaches Unikraft's make: $(cat "$work/log")"
	else
		ok "make -j2 reaches Unikraft's make"
	fi
else
	ko "the README's application builds: $(cat "$work/log")"
fi
grep -q '^#define CONFIG_LIBUKSTOREAGENT 1$' "$app/build/include/uk/config.h" 2>/dev/null &&
	grep -q '^# CONFIG_LIBUKRANDOM is not set$' "$app/.config" &&
	ok "its defconfig enables the agent and turns LIBUKRANDOM off" ||
	ko "its defconfig enables the agent and turns LIBUKRANDOM off"

# UKSTOREAGENT relative to the application's folder; a file named like a goal.
app2=$work/sub/other
new_app "$app2"
rel=$(realpath --relative-to="$app2" "$lib")
touch "$app2/defconfig"
if (cd "$app2" && make -s defconfig UK_DEFCONFIG=$(pwd)/qemu-x86_64.defconfig UK_ROOT="$standin" UKSTOREAGENT="$rel" &&
	make -s UK_ROOT="$standin" UKSTOREAGENT="$rel") >"$work/log" 2>&1 &&
	[ -x "$app2/build/other_stand-in" ]; then
	ok "a relative UKSTOREAGENT ($rel) and a file named defconfig"
else
	ko "a relative UKSTOREAGENT ($rel) and a file named defconfig: $(cat "$work/log")"
fi

# ukconsole's ns16550 on COM2 as well: the build stops and says why.
app3=$work/clash
new_app "$app3"
printf 'CONFIG_LIBUKCONSOLE_NS16550_COM2=y\n' >>"$app3/qemu-x86_64.defconfig"
if (cd "$app3" && make -s defconfig UK_DEFCONFIG=$(pwd)/qemu-x86_64.defconfig UK_ROOT="$standin" UKSTOREAGENT="$lib" &&
	make -s UK_ROOT="$standin" UKSTOREAGENT="$lib") >"$work/log" 2>&1; then
	ko "COM2 taken by ukconsole: the build went on"
elif grep -q "ukstoreagent: COM2 is taken by ukconsole's ns16550 driver" "$work/log" && [ ! -e "$app3/build/clash_stand-in" ]; then
	ok "COM2 taken by ukconsole: the build stops, saying so"
else
	ko "COM2 taken by ukconsole: $(cat "$work/log")"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
