# shellcheck shell=bash
# Which Debian release this host runs, and which Debian kernels it can use,
# resolved from apt (never from a list kept here). Sourced by setup.sh after
# common.sh. It offers:
#
#   host_release             sets HOST_ID, HOST_VERSION, HOST_CODENAME and
#                            HOST_RELEASE ("Debian 13 (trixie)"), or stops
#                            saying which releases the labs support
#   series_of KVER           "6.12" of "6.12.117+deb13-amd64"
#   host_kernels             the KVERs the host's own apt sources carry
#   kernels_in_apt [OPTS]    the same from the apt state OPTS name
#   backports_lists          reads CODENAME-backports' lists into a private
#                            apt state under .cache/apt/ (the host's apt
#                            configuration is left alone); sets
#                            BACKPORTS_OPTS, the apt options that read it
#   newest_of                the newest of the KVERs on stdin
#   is_newer A B             true when KVER A is newer than B
#   of_series S              the KVERs on stdin of series S
#
# The default kernel is the one behind the host's linux-image-amd64, the
# release's own; "newest" is the newest any of the release's suites ships.

# Debian releases the labs are proved on: VERSION_ID:codename.
SUPPORTED_RELEASES="12:bookworm 13:trixie"

supported_list() {
	local r out=
	for r in $SUPPORTED_RELEASES; do
		out+="${out:+ and }Debian ${r%%:*} (${r#*:})"
	done
	echo "$out"
}

host_release() {
	local key val
	HOST_ID='' HOST_VERSION='' HOST_CODENAME='' HOST_PRETTY=''
	if [[ -r /etc/os-release ]]; then
		while IFS='=' read -r key val; do
			val=${val#\"} val=${val%\"}
			case $key in
			ID) HOST_ID=$val ;;
			VERSION_ID) HOST_VERSION=$val ;;
			VERSION_CODENAME) HOST_CODENAME=$val ;;
			PRETTY_NAME) HOST_PRETTY=$val ;;
			esac
		done </etc/os-release
	fi
	export HOST_RELEASE="Debian $HOST_VERSION ($HOST_CODENAME)"
	[[ $HOST_ID == debian && " $SUPPORTED_RELEASES " == *" $HOST_VERSION:$HOST_CODENAME "* ]] &&
		return 0
	die "this host runs ${HOST_PRETTY:-an unknown system (no /etc/os-release)}; the labs support $(supported_list), whose kernel packages they use."
}

series_of() {
	[[ $1 =~ ^([0-9]+\.[0-9]+)\. ]] && echo "${BASH_REMATCH[1]}"
}

# The KVERs of linux-image-KVER and linux-headers-KVER packages that apt
# (with options "$@") can download, the generic amd64 flavour only.
# Backports keep older images (signed) without their headers: a kernel
# counts only with both.
kernels_in_apt() {
	apt-cache "$@" search --names-only '^linux-(image|headers)-[0-9]+\.[0-9]+\.[0-9]+[-+].*-amd64$' 2>/dev/null |
		sed -n -E 's/^linux-(image|headers)-([0-9]+\.[0-9]+\.[0-9]+[-+][^ ]*-amd64) .*/\2/p' |
		grep -vE -- '-(cloud|rt)-amd64$' | sort | uniq -d || true
}

host_kernels() { kernels_in_apt; }

newest_of() { sort -V | tail -n 1; }

# True when kernel version $1 is newer than $2.
is_newer() {
	[[ $1 != "$2" && $(printf '%s\n' "$1" "$2" | newest_of) == "$1" ]]
}

of_series() {
	local s=$1 k
	while read -r k; do
		[[ $(series_of "$k") == "$s" ]] && echo "$k"
	done
	return 0
}

# The site the host's apt reads the release from (deb.debian.org or a
# mirror), so that backports come from the same place.
release_site() {
	local site
	# shellcheck disable=SC2016 # apt's own $(FIELD) syntax
	site=$(apt-get indextargets --format '$(CODENAME) $(SITE)' 2>/dev/null |
		awk -v c="$HOST_CODENAME" '$1 == c && $2 !~ /security/ { print $2; exit }')
	echo "${site:-http://deb.debian.org/debian}"
}

# Sets BACKPORTS_OPTS and brings the private lists up to date (once a day).
# Status 1, with the reason in apt.log, when they cannot be read.
backports_lists() {
	local dir=$CACHE/apt/$HOST_CODENAME-backports keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	local signed=
	[[ -f $keyring ]] && signed="[signed-by=$keyring] "
	BACKPORTS_OPTS=(-o "Dir::Etc::SourceList=$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache"
		-o Dir::State::status=/var/lib/dpkg/status)
	# As root apt drops to the _apt user, who cannot write into .cache.
	[[ $(id -u) == 0 ]] && BACKPORTS_OPTS+=(-o APT::Sandbox::User=root)
	[[ -n ${BACKPORTS_READ:-} ]] && return 0
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
	echo "deb $signed$(release_site) $HOST_CODENAME-backports main" >"$dir/sources.list"
	if [[ -z $(find "$dir/lists" -maxdepth 1 -name '*Packages*' -mmin -1440 -print -quit) ]]; then
		say "reading $HOST_CODENAME-backports' package list (into .cache/apt/, not the host's apt)"
		apt_logged apt-get "${BACKPORTS_OPTS[@]}" update || return 1
	fi
	BACKPORTS_READ=1
}
