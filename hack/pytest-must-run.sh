#!/usr/bin/env bash
# Run pytest and treat "no tests collected" (exit 5) as the failure it is: a suite that ran
# nothing proves nothing.
"$@"
rc=$?
if [[ $rc -eq 5 ]]; then
    echo "error: pytest collected no tests for: ${*: -1}" >&2
fi
exit $rc
