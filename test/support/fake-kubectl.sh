#!/bin/sh
# A stand-in for `kubectl [--context C] get job NAME --namespace NS --output json ...`, as the CLI's
# smoke check calls it. It answers from $FAKE_KUBECTL_DIR: jobs/NAME.json is the Job's JSON; a file
# `unreachable` makes every call fail as an unreachable cluster does; a file `all-succeeded` answers a
# succeeded Job for every name; else the Job is not found, in kubectl's words. Each call is appended
# to $FAKE_KUBECTL_DIR/calls.
ctx=""
if [ "$1" = --context ]; then ctx=$2; shift 2; fi
echo "${ctx:--} $*" >> "$FAKE_KUBECTL_DIR/calls"
[ "$1 $2" = "get job" ] || { echo "fake kubectl: unexpected command: $*" >&2; exit 2; }
name=$3
if [ -f "$FAKE_KUBECTL_DIR/unreachable" ]; then
  echo "Unable to connect to the server: dial tcp 10.0.0.1:443: i/o timeout" >&2
  exit 1
fi
if [ -f "$FAKE_KUBECTL_DIR/jobs/$name.json" ]; then cat "$FAKE_KUBECTL_DIR/jobs/$name.json"; exit 0; fi
if [ -f "$FAKE_KUBECTL_DIR/all-succeeded" ]; then echo '{"kind":"Job","status":{"succeeded":1}}'; exit 0; fi
echo "Error from server (NotFound): jobs.batch \"$name\" not found" >&2
exit 1
