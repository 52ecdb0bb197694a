# shellcheck shell=bash
# What the host-side tools share (harness/setup.sh, harness/tools/*.sh,
# harness/tests/*.sh). Sourced, never run, by bash scripts, as
#     . "$(dirname "${BASH_SOURCE[0]}")/common.sh" NAME [STATUS]
# (the path relative to the script): NAME starts the tool's messages,
# STATUS is die's exit status (default 1). It offers:
#
#   ROOT                       the repository's root, absolute
#   say SENTENCE...            "NAME: SENTENCE" on stdout
#   die SENTENCE...            "NAME: SENTENCE" on stderr, exit STATUS
#   parse_options SPEC "$@"    the option loop (see its comment): sets the
#                              variables SPEC names, ARGS to the operands
#   check_series K             stops unless K names a kernel: default,
#                              newest or a series (6.12); setup.sh says
#                              whether this host's Debian has it
#   read_kernel_env FILE       sets KERNEL_SERIES KVER KDIR KIMG KBOOT KDEPS KHOST
#                              from a .cache/kernel-S.env, or stops saying
#                              why it cannot (missing, garbled)
#   parse_kernel_env FILE [P]  the same into P-prefixed names, without
#                              stopping: status 1 and KENV_ERROR instead
#   now, seconds_between A B   wall-clock time stamps, and "1.5" between two
#   can_be_root                true when as_root can work (root, or sudo)
#   need_root WHAT             stops, saying WHAT needs root, unless it can
#   as_root CMD...             CMD as root: directly, or through sudo
#   missing_pkgs PKG...        the PKGs not installed, one a line (dpkg only)
#   apt_install PKG...         installs the missing PKGs (saying which); on a
#                              failure updates the lists once and retries
#   apt_update                 apt-get update, at most once a run
#   apt_download DIR PKG...    downloads .debs into DIR (no root needed),
#                              after one update if the first try fails
#   apt_die WHAT               one sentence on why apt failed, from APT_LOG
#
# apt's output goes to APT_LOG (default .cache/apt.log), not the terminal.

TOOL=${1:?common.sh is sourced with the name of the tool}
DIE_STATUS=${2:-1}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
APT_LOG=${APT_LOG:-$ROOT/.cache/apt.log}
APT_UPDATED=
# Non-root Debian users lack /sbin in PATH; depmod and friends live there.
PATH=$PATH:/usr/sbin:/sbin

say() { echo "$TOOL: $*"; }

die() {
	echo "$TOOL: $*" >&2
	exit "$DIE_STATUS"
}

# How the script is named in its messages: relative to the repository.
tool_path() {
	local p=$0
	[[ $p == /* ]] && p=${p#"$ROOT"/}
	echo "$p"
}

# parse_options SPEC "$@": SPEC is words of the form --name=VAR (an option
# with a value, given as "--name V" or "--name=V"), --name=+VAR (the same,
# each value appended to the array VAR), --name:VAR (a flag: VAR=1);
# "-q|--quiet:VAR" gives aliases. --help and -h call usage and exit 0.
# Operands go to the array ARGS when SPEC has the word ARGS; otherwise they
# stop the tool, as an unknown option does.
parse_options() {
	local spec=$1 word names var kind arg value found name
	shift
	ARGS=()
	while (($#)); do
		arg=$1
		shift
		case $arg in
		--help | -h) usage; exit 0 ;;
		-*) ;;
		*)
			[[ " $spec " == *" ARGS "* ]] ||
				die "unknown argument '$arg'; see $(tool_path) --help."
			ARGS+=("$arg")
			continue ;;
		esac
		found=
		for word in $spec; do
			names=${word%%[=:]*} var=${word#"$names"} kind=${var:0:1}
			var=${var:1}
			for name in ${names//|/ }; do
				if [[ $arg == "$name" ]]; then
					found=1
					[[ $kind == : ]] && { printf -v "$var" 1; break 2; }
					(($#)) || die "$arg needs a value; see $(tool_path) --help."
					value=$1
					shift
					break 2
				elif [[ $kind == = && $arg == "$name="* ]]; then
					found=1 value=${arg#*=}
					break 2
				fi
			done
		done
		[[ -n $found ]] || die "unknown argument '$arg'; see $(tool_path) --help."
		[[ $kind == : ]] && continue
		if [[ $var == +* ]]; then
			declare -n _list=${var:1}
			_list+=("$value")
			unset -n _list
		else
			printf -v "$var" '%s' "$value"
		fi
	done
}

# A kernel name: default (the host release's own), newest, or a series.
check_series() {
	[[ $1 == default || $1 == newest || $1 =~ ^[0-9]+\.[0-9]+$ ]] ||
		die "unknown kernel '$1'; use default, newest or a series such as 6.12 (--kernel K, or KERNEL=K with make)."
}

now() { date +%s.%N; }
seconds_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# --- the kernel's .env (written by harness/setup.sh alone) --------------------

# The make setup command that writes FILE again.
setup_command_for() {
	local s=${1##*/}
	case $s in
	kernel-*.env) s=${s#kernel-}; echo "make setup KERNEL=${s%.env}" ;;
	*) echo "make setup" ;;
	esac
}

# parse_kernel_env FILE [PREFIX]: sets PREFIX+KERNEL_SERIES, KVER, KDIR,
# KIMG, KBOOT, KDEPS and KHOST (empty first). Status 1 with KENV_ERROR set
# to one sentence when FILE is missing, has a line that is not KEY=VALUE, or
# lacks a key (KDEPS and KHOST, the release it was written on, may be empty).
parse_kernel_env() {
	local file=$1 prefix=${2:-} key val n=0 k
	local keys="KERNEL_SERIES KVER KDIR KIMG KBOOT KDEPS KHOST"
	KENV_ERROR=
	for k in $keys; do printf -v "$prefix$k" '%s' ''; done
	if [[ ! -f $file ]]; then
		KENV_ERROR="no kernel is set up ($file is missing): run '$(setup_command_for "$file")' first."
		return 1
	fi
	local -a lines
	mapfile -t lines <"$file"
	for key in "${lines[@]}"; do
		n=$((n + 1))
		if [[ ! $key =~ ^[A-Z_]+= ]]; then
			KENV_ERROR="$file is garbled (line $n is not KEY=VALUE): run '$(setup_command_for "$file")' to write it again."
			return 1
		fi
		val=${key#*=} key=${key%%=*}
		[[ " $keys " == *" $key "* ]] && printf -v "$prefix$key" '%s' "$val"
	done
	for k in ${keys% KDEPS KHOST}; do
		k=$prefix$k
		if [[ -z ${!k} ]]; then
			KENV_ERROR="$file is garbled (no ${k#"$prefix"}=): run '$(setup_command_for "$file")' to write it again."
			return 1
		fi
	done
}

read_kernel_env() {
	parse_kernel_env "$1" || die "$KENV_ERROR"
}

# --- root and apt -------------------------------------------------------------

# True when as_root can work without stopping: we are root, sudo needs no
# password, or there is a terminal for sudo to ask for it on.
can_be_root() {
	[[ $(id -u) == 0 ]] && return 0
	command -v sudo >/dev/null 2>&1 || return 1
	sudo -n true 2>/dev/null || [[ -t 0 ]]
}

need_root() {
	can_be_root ||
		die "$1 needs root; run as root, or install and configure sudo."
}

as_root() {
	need_root "running $1"
	if [[ $(id -u) == 0 ]]; then
		"$@"
	else
		sudo "$@"
	fi
}

# Prints the packages among "$@" that are not installed.
missing_pkgs() {
	(($#)) || return 0 # dpkg-query -W without names lists everything
	local -A ok=()
	local name status
	while read -r name status; do
		[[ $status == *" installed" ]] && ok[$name]=1
	done < <(dpkg-query -W -f='${Package} ${Status}\n' "$@" 2>/dev/null || true)
	for name; do
		[[ -n ${ok[$name]:-} ]] || echo "$name"
	done
}

# Runs an apt command with its chatter in $APT_LOG; returns its status.
apt_logged() {
	mkdir -p "$(dirname "$APT_LOG")"
	echo "### $*" >>"$APT_LOG"
	"$@" >>"$APT_LOG" 2>&1
}

# Explains a failed apt step from its log, in one sentence, and stops.
apt_die() {
	local what=$1
	if tail -n 40 "$APT_LOG" | grep -qE 'Unable to locate package|has no installation candidate'; then
		die "apt-get could not find $what; check /etc/apt/sources.list lists ${HOST_RELEASE:-your Debian release}'s suites (${HOST_CODENAME:-CODENAME}, -updates, -security; main) and run again."
	elif tail -n 40 "$APT_LOG" | grep -qiE 'fetch|resolv|connect|404|timed out|Hash Sum'; then
		die "apt-get could not fetch $what; check the network and /etc/apt/sources.list."
	fi
	die "apt-get failed on $what (see $APT_LOG); fix apt (e.g. 'apt-get -f install') and run again."
}

apt_update() {
	[[ -n $APT_UPDATED ]] && return 0
	need_root "updating the package lists"
	say "updating package lists (apt-get update)"
	apt_logged as_root apt-get update || apt_die "the package lists"
	APT_UPDATED=1
}

# One apt-get install of "$@" (all of them), logged.
apt_get_install() {
	apt_logged as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y \
		--no-install-recommends -o DPkg::Lock::Timeout=300 "$@"
}

apt_install() {
	local -a pkgs
	mapfile -t pkgs < <(missing_pkgs "$@")
	((${#pkgs[@]})) || return 0
	need_root "installing ${pkgs[*]}"
	say "installing ${pkgs[*]} (apt-get)"
	apt_get_install "${pkgs[@]}" && return 0
	# Missing or stale lists (a fresh image, a dropped version): once.
	[[ -z $APT_UPDATED ]] || apt_die "${pkgs[*]}"
	apt_update
	apt_get_install "${pkgs[@]}" || apt_die "${pkgs[*]}"
}

apt_download() {
	local dir=$1
	shift
	local -a opts=()
	# As root apt drops to the _apt user, who cannot write into our dir.
	[[ $(id -u) == 0 ]] && opts=(-o APT::Sandbox::User=root)
	# APT_OPTS (an array, when set) points apt at another state: backports.
	[[ -n ${APT_OPTS[*]:-} ]] && opts+=("${APT_OPTS[@]}")
	(cd "$dir" && apt_logged apt-get download "${opts[@]}" "$@") && return 0
	# Stale lists name versions the mirror has dropped: refresh once.
	[[ -z $APT_UPDATED ]] || apt_die "$*"
	apt_update
	(cd "$dir" && apt_logged apt-get download "${opts[@]}" "$@") || apt_die "$*"
}
