#!/usr/bin/env bash
# Announces a value model to the running job on the models topic, signed with
# security.signing-key (the job acts only on signed announcements of files inside
# value.model-locations). Takes the job's --config / --set.
#   jobs/announce-model.sh --model target/models/clv.model --sequence 2 \
#       --set kafka.bootstrap-servers=localhost:9092 --set 'security.signing-key=${file:/etc/rl/signing.key}'
#   jobs/announce-model.sh --help
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
run_cli announce-model "$@"
