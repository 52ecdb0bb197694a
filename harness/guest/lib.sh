# shellcheck shell=dash
# The guest's helpers, sourced before every test (and in make console-labN).
# Each topic's helpers live in their own file beside this one; a name means
# one thing everywhere. Tests print facts as "key=value" lines; the host's
# judge reads them. Every tests.sh sources it too: loaded once.
[ -z "${MYBRD_GUEST_LIB:-}" ] || return 0
MYBRD_GUEST_LIB=1

# shellcheck source=facts.sh
. /check/facts.sh
# shellcheck source=registration.sh
. /check/registration.sh
# shellcheck source=data.sh
. /check/data.sh
# shellcheck source=disk.sh
. /check/disk.sh
# shellcheck source=biotrace.sh
. /check/biotrace.sh
# shellcheck source=mq.sh
. /check/mq.sh
# shellcheck source=bench.sh
. /check/bench.sh
# shellcheck source=core.sh
. /check/core.sh
# shellcheck source=debug.sh
. /check/debug.sh
