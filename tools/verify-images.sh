#!/usr/bin/env bash
# Runs the three images from `./mvnw -Pimages package` without Docker (tools/verify-image.sh, as
# root): each starts as its pod would, on a read-only root filesystem as the non-root user.
#   media-relay  answers /q/health/live, with Netty's epoll transport loaded
#   sip-proxy    serves a trunk snapshot compiled by the image's own TrunkCompiler, answers
#                /q/health/ready
#   operator     boots Quarkus and the Operator SDK up to its first call to the API server (there
#                is none here); /tmp is writable, as it must be for Vert.x (see 0011)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
verify="$root/tools/verify-image.sh"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== media-relay"
# A key as the trunk's relay control Secret holds one: a relay without one refuses to start (0009).
VERIFY_ENV="TRUNKLINE_RELAY_ADVERTISE=127.0.0.1 \
TRUNKLINE_RELAY_CONTROL_KEY=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')" \
  "$verify" "$root/media-relay/target/jib-image.tar" --probe 8080/q/health/live

echo "== sip-proxy"
# The snapshot the operator would mount, compiled by the classes inside the image.
mkdir -p "$work/classpath" "$work/snapshot"
tar -xf "$root/sip-proxy/target/jib-image.tar" -C "$work/classpath"
for layer in $(jq -r '.[0].Layers[]' "$work/classpath/manifest.json"); do
  tar -xzf "$work/classpath/$layer" -C "$work/classpath" --warning=no-unknown-keyword
done
cat >"$work/Snapshot.java" <<'EOF'
import io.fabric8.kubernetes.client.utils.Serialization;
import io.trunkline.api.config.Compilation;
import io.trunkline.api.config.TrunkCompiler;
import io.trunkline.api.config.TrunkConfigJson;
import io.trunkline.api.v1alpha1.trunk.SipTrunk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

public class Snapshot {
  public static void main(String[] args) throws Exception {
    SipTrunk trunk =
        Serialization.unmarshal(
            "metadata: {name: acme, namespace: office}\n"
                + "spec: {channels: 5, sip: {port: 5060}, media: {mode: Bypass},"
                + " carriers: [{name: a, address: 127.0.0.10}]}\n",
            SipTrunk.class);
    Compilation compilation =
        TrunkCompiler.compile(trunk, List.of(), List.of(), (secret, key) -> Optional.of("pw"));
    Files.writeString(Path.of(args[0], "trunk.json"), TrunkConfigJson.write(compilation.config()));
    Files.writeString(
        Path.of(args[0], "credentials.json"), TrunkConfigJson.write(compilation.credentials()));
  }
}
EOF
# The proxy speaks to relays through relay-control only: no relay engine in its image (0012).
if ls "$work/classpath/app/libs" | grep -q '^trunkline-media-relay-'; then
  echo "sip-proxy image carries the media-relay engine" >&2
  exit 1
fi
java -cp "$work/classpath/app/classes:$work/classpath/app/libs/*" "$work/Snapshot.java" \
  "$work/snapshot"
VERIFY_ENV="TRUNKLINE_CONFIG=/etc/trunkline/config/trunk.json \
TRUNKLINE_CREDENTIALS=/etc/trunkline/credentials/credentials.json POD_IP=127.0.0.1" \
  "$verify" "$root/sip-proxy/target/jib-image.tar" --probe 8080/q/health/ready \
  --mount "$work/snapshot/trunk.json:/etc/trunkline/config/trunk.json" \
  --mount "$work/snapshot/credentials.json:/etc/trunkline/credentials/credentials.json"

echo "== operator"
"$verify" "$root/operator/target/jib-image.tar" --writable-tmp --wait 60 \
  --expect-log "Starting '[a-z]+' controller"

echo "== all three images run"
