# shellcheck shell=bash disable=SC2034 # the settings are used by the scripts sourcing this
# Shared settings of the one-node test cluster scripts (build.sh, up.sh, down.sh,
# import-image.sh); sourced, not run. Versions are pinned here; the network layout of the
# node is described in the header of up.sh.

K8S_VERSION=1.34.4
COREDNS_VERSION=1.15.0
PAUSE_VERSION=3.10.1 # the TAG of build/pause/Makefile in k8s.io/kubernetes v1.34.4

node_tools="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_tools="$(dirname "$node_tools")"
bin_dir="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/k8s/${K8S_VERSION}-linux-amd64"
image_dir="$bin_dir/node-images"

PAUSE_IMAGE="localhost/trunkline-node/pause:${PAUSE_VERSION}"
COREDNS_IMAGE="localhost/trunkline-node/coredns:${COREDNS_VERSION}"
BUSYBOX_IMAGE="localhost/trunkline-node/busybox:1"

# State and network layout. Everything lives in private ranges on interfaces these scripts
# create; nothing is routed off the machine (see the FORWARD guard in up.sh).
state="${TRUNKLINE_NODE_DIR:-/tmp/trunkline-node}"
NODE_NAME=trunkline-node
NODE_IF=tlnode0          # portless bridge holding the node IP (no dummy driver here)
NODE_IP=10.250.0.1
# A load balancer's address, on the node's interface beside its IP: a test writes it into a
# LoadBalancer Service's status as a cloud's controller or MetalLB would, and kube-proxy takes
# what arrives there to the Service's pods, as on a node behind a real balancer.
BALANCER_IP=10.250.0.2
BRIDGE=tlnode-br0        # CNI bridge; its address 10.244.0.1 is the pods' gateway
POD_CIDR=10.244.0.0/24
SERVICE_CIDR=10.96.0.0/16
API_SERVICE_IP=10.96.0.1
DNS_SERVICE_IP=10.96.0.10
API_PORT=6443
ETCD_PORT=23790          # off the default 2379 so a test etcd can run beside the node
CNI_NET=trunkline-node
FWD_CHAIN=TRUNKLINE-NODE-FWD
# "Outside the cluster": a network namespace joined to the machine by a veth pair, for the
# peers a trunk serves (PBXs, phones, carriers). Its traffic reaches the node as a remote
# host's would (PREROUTING, not OUTPUT), so node ports keep its source address.
OUTSIDE_NS=tlnode-outside
OUTSIDE_IF=tlnode-out    # the machine's end of the veth pair
OUTSIDE_GW=10.250.1.1    # the machine's address on it: the outside's way to the node
OUTSIDE_IPS=(10.250.1.2 10.250.1.3 10.250.1.4)

log() { echo "[trunkline-node] $*"; }
die() { echo "[trunkline-node] ERROR: $*" >&2; exit 1; }
