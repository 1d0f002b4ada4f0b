#!/usr/bin/env bash
# Starts a real one-node Kubernetes cluster on this machine for end-to-end tests, as root,
# without Docker, systemd or an image registry: etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, containerd + runc, kubelet, kube-proxy (iptables) and CoreDNS, built by
# tools/node/build.sh. Settings follow shared/notes/kubelet-probe.md (runc not crun, cgroupfs,
# restrict_oom_score_adj, no QoS cgroups, rlimits left as they are).
#
# Network (all on this machine):
#   node IP 10.250.0.1/32 on tlnode0, an empty bridge standing in for a dummy interface (this
#   kernel has no dummy driver, nor modprobe) (apiserver :6443, kubelet :10250), and beside it
#   10.250.0.2/32, the address tests give a LoadBalancer Service;
#   pods 10.244.0.0/24 on bridge tlnode-br0 (gateway 10.244.0.1), CNI bridge+host-local+portmap;
#   services 10.96.0.0/16 (routed into tlnode0 so unused service IPs never leave the machine),
#   kubernetes 10.96.0.1, kube-dns 10.96.0.10; iptables-legacy for kube-proxy and CNI.
#   A FORWARD guard drops anything routed between the pod bridge and any other interface but
#   the outside: network namespace tlnode-outside (10.250.1.2 to .4 on 10.250.1.0/24, gateway
#   10.250.1.1 on this machine's end tlnode-out), where tests run the peers outside the cluster.
#
# State, logs, PID files and certificates live in $TRUNKLINE_NODE_DIR (default
# /tmp/trunkline-node); the admin kubeconfig is $TRUNKLINE_NODE_DIR/kubeconfig.
# TRUNKLINE_NODE_UP_TIMEOUT (default 180) bounds all waits together, in seconds.
# Idempotent: a healthy running node is left alone; a broken one is torn down (down.sh) and
# started again. Every wait is bounded; a failure names the component and shows its log tail.
# Stop with tools/node/down.sh.
set -euo pipefail
# shellcheck source=tools/node/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

[[ $EUID -eq 0 ]] || die "must run as root"
started=$SECONDS
kubeconfig="$state/kubeconfig"
kubectl() { "$bin_dir/kubectl" --kubeconfig "$kubeconfig" --request-timeout=20s "$@"; }
sock="$state/containerd/containerd.sock"
export PATH="$state/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

pid_alive() { # name: its recorded process runs and is ours (the state dir is in its arguments)
  local pid
  pid="$(cat "$state/pids/$1.pid" 2>/dev/null)" || return 1
  [[ "$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")" == *"$state"* ]]
}
daemons=(etcd kube-apiserver kube-controller-manager kube-scheduler containerd kubelet kube-proxy)

healthy() { # the last up.sh completed (up.ok) and everything still answers
  local d
  [[ -f $state/up.ok ]] || return 1
  ip netns exec "$OUTSIDE_NS" true 2>/dev/null || return 1
  [[ -n $(ip -o addr show dev "$NODE_IF" to "$BALANCER_IP/32" 2>/dev/null) ]] || return 1
  for d in "${daemons[@]}"; do pid_alive "$d" || return 1; done
  "$bin_dir/kubectl" --kubeconfig "$kubeconfig" --request-timeout=5s get --raw /readyz >/dev/null 2>&1 || return 1
  [[ "$(kubectl get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" == True ]] || return 1
  [[ "$(kubectl -n kube-system get deploy coredns -o jsonpath='{.status.readyReplicas}' 2>/dev/null)" == 1 ]]
}

usage_hint() {
  log "kubeconfig: $kubeconfig  (export KUBECONFIG=$kubeconfig; kubectl: $bin_dir/kubectl)"
  log "node $NODE_NAME at $NODE_IP; import images: tools/node/import-image.sh TARBALL...; stop: tools/node/down.sh"
}

if [[ -d $state ]] && healthy; then
  log "already up and healthy in $state"
  usage_hint
  exit 0
fi
# Whatever a crashed or half-started node left behind (processes, mounts, interfaces, rules).
"$node_tools/down.sh" --quiet

"$node_tools/build.sh" >/dev/null || die "tools/node/build.sh failed; run it alone to see why"
# Each wait below has its own bound; all of them together stay within this one.
up_deadline=$((SECONDS + ${TRUNKLINE_NODE_UP_TIMEOUT:-180}))

exec 3>&2 # fail() may run inside wait_for, whose probe output goes to /dev/null
fail() { # component message: says which component failed, with the tail of its log
  exec >&3 2>&3
  echo "[trunkline-node] FAILED: $1: $2"
  if [[ -f $state/logs/$1.log ]]; then
    echo "----- last lines of $state/logs/$1.log -----" >&2
    tail -n 25 "$state/logs/$1.log" >&2
  fi
  if [[ $1 == coredns* || $1 == check* ]]; then # pods: what the cluster says about them
    echo "----- pods and recent events -----" >&2
    kubectl get pods -A -o wide >&2 || true
    kubectl get events -A --sort-by=.lastTimestamp 2>&1 | tail -n 15 >&2 || true
    kubectl -n kube-system logs deploy/coredns --tail=15 >&2 || true
  fi
  echo "[trunkline-node] state kept for inspection in $state; clean up with tools/node/down.sh" >&2
  exit 1
}

# wait_for component seconds description command...: polls once a second; fails early when
# the component's process died.
wait_for() {
  local comp="$1" secs="$2" what="$3" deadline=$((SECONDS + $2))
  ((deadline <= up_deadline)) || deadline=$up_deadline
  shift 3
  until "$@" >/dev/null 2>&1; do
    if [[ -f $state/pids/$comp.pid ]] && ! pid_alive "$comp"; then fail "$comp" "process exited while waiting for $what"; fi
    ((SECONDS < deadline)) || fail "$comp" "$what not reached in time ($secs s, up.sh at most ${TRUNKLINE_NODE_UP_TIMEOUT:-180} s)"
    sleep 1
  done
}

start_daemon() { # name command...: detached (own session), log and PID file in the state dir
  local name="$1"
  shift
  setsid "$@" >"$state/logs/$name.log" 2>&1 </dev/null 3>&- &
  echo $! >"$state/pids/$name.pid"
}

mkdir -p "$state"/{pids,logs,pki,bin,etcd,kubelet,pod-logs,cni/net.d,cni/ipam,containerd}

# Kernel settings this node changes (kubelet sets its kernel tunables too); down.sh restores them.
sysctls=(net.ipv4.ip_forward net.ipv4.conf.all.route_localnet net.bridge.bridge-nf-call-iptables
  vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops
  kernel.keys.root_maxkeys kernel.keys.root_maxbytes)
[[ -e /proc/sys/net/bridge ]] || die "bridge netfilter (br_netfilter) unavailable: /proc/sys/net/bridge missing"
for s in "${sysctls[@]}"; do echo "$s=$(sysctl -n "$s")"; done >"$state/sysctl.orig"
sysctl -qw net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1

# iptables-legacy is the working front end here: kube-proxy, kubelet and the CNI plugins find
# these links first on their PATH.
for t in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do
  ln -sf "/usr/sbin/${t/tables/tables-legacy}" "$state/bin/$t"
done

log "network: $NODE_IF $NODE_IP and a balancer's $BALANCER_IP, services $SERVICE_CIDR, pods $POD_CIDR on $BRIDGE"
ip link add "$NODE_IF" type bridge # portless: a local address, and a sink for unused service IPs
ip addr add "$NODE_IP/32" dev "$NODE_IF"
ip addr add "$BALANCER_IP/32" dev "$NODE_IF"
ip link set "$NODE_IF" up
ip route add "$SERVICE_CIDR" dev "$NODE_IF"
ip netns add "$OUTSIDE_NS"
ip link add "$OUTSIDE_IF" type veth peer name eth0 netns "$OUTSIDE_NS"
ip addr add "$OUTSIDE_GW/24" dev "$OUTSIDE_IF"
ip link set "$OUTSIDE_IF" up
ip -n "$OUTSIDE_NS" link set lo up
for ip in "${OUTSIDE_IPS[@]}"; do ip -n "$OUTSIDE_NS" addr add "$ip/24" dev eth0; done
ip -n "$OUTSIDE_NS" link set eth0 up
ip -n "$OUTSIDE_NS" route add default via "$OUTSIDE_GW"
iptables-legacy -N "$FWD_CHAIN"
iptables-legacy -A "$FWD_CHAIN" -i "$BRIDGE" -o "$OUTSIDE_IF" -j ACCEPT
iptables-legacy -A "$FWD_CHAIN" -i "$OUTSIDE_IF" -o "$BRIDGE" -j ACCEPT
iptables-legacy -A "$FWD_CHAIN" -i "$BRIDGE" ! -o "$BRIDGE" -j DROP
iptables-legacy -A "$FWD_CHAIN" -o "$BRIDGE" ! -i "$BRIDGE" -j DROP
iptables-legacy -I FORWARD 1 -j "$FWD_CHAIN"

log "certificates (openssl) in $state/pki"
pki="$state/pki"
ssl() { openssl "$@" 2>/dev/null; }
ssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -days 3650 \
  -subj "/CN=trunkline-node-ca" -keyout "$pki/ca.key" -out "$pki/ca.crt"
# RSA keys for the certificates: the tests' fabric8 client reads a PKCS#8 RSA client key from the
# admin kubeconfig, but not an EC one without Bouncy Castle.
cert() { # name subject extendedKeyUsage [subjectAltName]
  ssl req -new -nodes -newkey rsa:2048 -subj "$2" \
    -keyout "$pki/$1.key" -out "$pki/$1.csr"
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$3"
    [[ -z ${4:-} ]] || echo "subjectAltName=$4"
  } >"$pki/$1.ext"
  ssl x509 -req -in "$pki/$1.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 365 -extfile "$pki/$1.ext" -out "$pki/$1.crt"
}
cert apiserver "/CN=kube-apiserver" serverAuth "DNS:kubernetes,DNS:kubernetes.default,\
DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:localhost,\
DNS:$NODE_NAME,IP:$NODE_IP,IP:127.0.0.1,IP:$API_SERVICE_IP"
cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" clientAuth
cert admin "/O=system:masters/CN=trunkline-admin" clientAuth
cert controller-manager "/CN=system:kube-controller-manager" clientAuth
cert scheduler "/CN=system:kube-scheduler" clientAuth
cert kube-proxy "/CN=system:kube-proxy" clientAuth
cert kubelet "/O=system:nodes/CN=system:node:$NODE_NAME" clientAuth
cert kubelet-serving "/CN=$NODE_NAME" serverAuth "DNS:$NODE_NAME,IP:$NODE_IP"
ssl genrsa -out "$pki/sa.key" 2048
ssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub"

kubeconfig_for() { # file cert-name: credentials embedded, so the file can be copied elsewhere
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: $NODE_NAME
  cluster:
    server: https://$NODE_IP:$API_PORT
    certificate-authority-data: $(base64 -w0 "$pki/ca.crt")
users:
- name: $2
  user:
    client-certificate-data: $(base64 -w0 "$pki/$2.crt")
    client-key-data: $(base64 -w0 "$pki/$2.key")
contexts:
- name: $NODE_NAME
  context: {cluster: $NODE_NAME, user: $2}
current-context: $NODE_NAME
EOF
  chmod 600 "$1"
}
for c in controller-manager scheduler kube-proxy kubelet; do kubeconfig_for "$state/$c.kubeconfig" "$c"; done
kubeconfig_for "$kubeconfig" admin

log "starting etcd, kube-apiserver, containerd"
start_daemon etcd "$bin_dir/etcd" --name trunkline-node --data-dir "$state/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$((ETCD_PORT + 10))" \
  --initial-advertise-peer-urls "http://127.0.0.1:$((ETCD_PORT + 10))" \
  --initial-cluster "trunkline-node=http://127.0.0.1:$((ETCD_PORT + 10))" \
  --unsafe-no-fsync --log-level warn

start_daemon kube-apiserver "$bin_dir/kube-apiserver" \
  --advertise-address="$NODE_IP" --bind-address="$NODE_IP" --secure-port="$API_PORT" \
  --etcd-servers="http://127.0.0.1:$ETCD_PORT" --service-cluster-ip-range="$SERVICE_CIDR" \
  --cert-dir="$pki/apiserver" --client-ca-file="$pki/ca.crt" \
  --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" \
  --kubelet-client-certificate="$pki/apiserver-kubelet-client.crt" \
  --kubelet-client-key="$pki/apiserver-kubelet-client.key" \
  --kubelet-certificate-authority="$pki/ca.crt" --kubelet-preferred-address-types=InternalIP \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$pki/sa.pub" --service-account-signing-key-file="$pki/sa.key" \
  --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction \
  --allow-privileged=true --profiling=false

cat >"$state/containerd/config.toml" <<EOF
version = 2
root = "$state/containerd/root"
state = "$state/containerd/state"
[grpc]
  address = "$sock"
[ttrpc]
  address = "$sock.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$state/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    default_runtime_name = "runc"
    snapshotter = "overlayfs"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "runc"
        Root = "$state/containerd/runc"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$state/cni/net.d"
EOF
cat >"$state/cni/net.d/10-$CNI_NET.conflist" <<EOF
{"cniVersion":"0.4.0","name":"$CNI_NET","plugins":[
 {"type":"bridge","bridge":"$BRIDGE","isGateway":true,"ipMasq":false,"hairpinMode":true,
  "ipam":{"type":"host-local","dataDir":"$state/cni/ipam","ranges":[[{"subnet":"$POD_CIDR"}]],
          "routes":[{"dst":"0.0.0.0/0"}]}},
 {"type":"portmap","capabilities":{"portMappings":true}},
 {"type":"loopback"}]}
EOF
start_daemon containerd containerd --config "$state/containerd/config.toml"

wait_for containerd 30 "containerd socket" ctr --address "$sock" --timeout 5s version
for img in pause coredns busybox; do
  timeout 60 ctr --address "$sock" -n k8s.io images import "$image_dir/$img.tar" >>"$state/logs/images.log" 2>&1 ||
    fail images "importing $image_dir/$img.tar"
done

wait_for etcd 30 "etcd health" curl -sf -m 3 "http://127.0.0.1:$ETCD_PORT/health"
wait_for kube-apiserver 90 "API server /readyz" kubectl get --raw /readyz
log "API server ready after $((SECONDS - started)) s; starting controller-manager, scheduler, kubelet"

start_daemon kube-controller-manager "$bin_dir/kube-controller-manager" \
  --kubeconfig="$state/controller-manager.kubeconfig" \
  --authentication-kubeconfig="$state/controller-manager.kubeconfig" \
  --authorization-kubeconfig="$state/controller-manager.kubeconfig" \
  --bind-address=127.0.0.1 --cert-dir="$pki/controller-manager" --leader-elect=false \
  --service-account-private-key-file="$pki/sa.key" --root-ca-file="$pki/ca.crt" \
  --cluster-signing-cert-file="$pki/ca.crt" --cluster-signing-key-file="$pki/ca.key" \
  --use-service-account-credentials=true --controllers='*'
start_daemon kube-scheduler "$bin_dir/kube-scheduler" \
  --kubeconfig="$state/scheduler.kubeconfig" \
  --authentication-kubeconfig="$state/scheduler.kubeconfig" \
  --authorization-kubeconfig="$state/scheduler.kubeconfig" \
  --bind-address=127.0.0.1 --cert-dir="$pki/scheduler" --leader-elect=false

cat >"$state/kubelet-config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
failCgroupV1: false
failSwapOn: false
cgroupDriver: cgroupfs
cgroupsPerQOS: false
enforceNodeAllocatable: []
# Without pod cgroups the kubelet's pod cgroup manager is a no-op, and kubelet 1.34's in-place
# resize dereferences its empty config: a container found without an actuated-resources record
# (a pod deleted two seconds after it started) sent the kubelet into doPodResizeAction and a nil
# pointer panic, which stopped every pod after it (kubernetes/kubernetes#137999). Nothing here
# resizes pods in place.
featureGates: {InPlacePodVerticalScaling: false}
localStorageCapacityIsolation: false
evictionHard: {}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
protectKernelDefaults: false
oomScoreAdj: 0
address: $NODE_IP
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
tlsCertFile: $pki/kubelet-serving.crt
tlsPrivateKeyFile: $pki/kubelet-serving.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $pki/ca.crt}
authorization: {mode: Webhook}
containerRuntimeEndpoint: unix://$sock
clusterDNS: [$DNS_SERVICE_IP]
clusterDomain: cluster.local
resolvConf: ""
podLogsDir: $state/pod-logs
volumePluginDir: $state/kubelet/volume-plugins
serializeImagePulls: false
EOF
start_daemon kubelet "$bin_dir/kubelet" --config="$state/kubelet-config.yaml" \
  --kubeconfig="$state/kubelet.kubeconfig" --root-dir="$state/kubelet" --cert-dir="$pki/kubelet" \
  --hostname-override="$NODE_NAME" --node-ip="$NODE_IP"

wait_for kube-controller-manager 30 "controller-manager /healthz" curl -skf -m 3 https://127.0.0.1:10257/healthz
wait_for kube-scheduler 30 "scheduler /healthz" curl -skf -m 3 https://127.0.0.1:10259/healthz
wait_for kubelet 60 "node $NODE_NAME registered" kubectl get node "$NODE_NAME"

cat >"$state/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $state/kube-proxy.kubeconfig}
hostnameOverride: $NODE_NAME
mode: iptables
clusterCIDR: $POD_CIDR
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
oomScoreAdj: 0
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
nodePortAddresses: ["$NODE_IP/32", "127.0.0.1/32"]
iptables: {minSyncPeriod: 1s, syncPeriod: 30s}
EOF
start_daemon kube-proxy "$bin_dir/kube-proxy" --config="$state/kube-proxy.yaml"

wait_for kubelet 60 "node $NODE_NAME Ready" \
  kubectl wait --for=condition=Ready "node/$NODE_NAME" --timeout=1s
wait_for kube-proxy 30 "kube-proxy /healthz" curl -sf -m 3 http://127.0.0.1:10256/healthz
log "node Ready after $((SECONDS - started)) s; deploying CoreDNS"

# CoreDNS answers cluster.local and the reverse zones; everything else gets NXDOMAIN, as
# nothing may be forwarded off the machine.
kubectl apply -f - >"$state/logs/coredns-apply.log" 2>&1 <<EOF || fail coredns-apply "kubectl apply"
apiVersion: v1
kind: ServiceAccount
metadata: {name: coredns, namespace: kube-system}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "system:coredns"}
rules:
- apiGroups: [""]
  resources: [endpoints, services, pods, namespaces]
  verbs: [list, watch]
- apiGroups: [discovery.k8s.io]
  resources: [endpointslices]
  verbs: [list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "system:coredns"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:coredns"}
subjects: [{kind: ServiceAccount, name: coredns, namespace: kube-system}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: coredns, namespace: kube-system}
data:
  Corefile: |
    cluster.local:53 in-addr.arpa:53 ip6.arpa:53 {
        errors
        health {
            lameduck 5s
        }
        ready
        kubernetes cluster.local in-addr.arpa ip6.arpa {
            pods insecure
            ttl 30
        }
        prometheus :9153
        cache 30
        loop
        reload
        loadbalance
    }
    .:53 {
        errors
        template ANY ANY {
            rcode NXDOMAIN
        }
    }
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: coredns, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec:
  replicas: 1
  selector: {matchLabels: {k8s-app: kube-dns}}
  template:
    metadata: {labels: {k8s-app: kube-dns}}
    spec:
      serviceAccountName: coredns
      priorityClassName: system-cluster-critical
      dnsPolicy: Default
      containers:
      - name: coredns
        image: $COREDNS_IMAGE
        imagePullPolicy: Never
        args: ["-conf", "/etc/coredns/Corefile"]
        ports:
        - {name: dns, containerPort: 53, protocol: UDP}
        - {name: dns-tcp, containerPort: 53, protocol: TCP}
        - {name: metrics, containerPort: 9153, protocol: TCP}
        resources: {requests: {cpu: 50m, memory: 64Mi}, limits: {memory: 170Mi}}
        securityContext:
          allowPrivilegeEscalation: false
          capabilities: {add: [NET_BIND_SERVICE], drop: [ALL]}
        readinessProbe: {httpGet: {path: /ready, port: 8181}, periodSeconds: 2}
        livenessProbe: {httpGet: {path: /health, port: 8080}, initialDelaySeconds: 30}
        volumeMounts: [{name: config, mountPath: /etc/coredns, readOnly: true}]
      volumes: [{name: config, configMap: {name: coredns}}]
---
apiVersion: v1
kind: Service
metadata: {name: kube-dns, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec:
  clusterIP: $DNS_SERVICE_IP
  selector: {k8s-app: kube-dns}
  ports:
  - {name: dns, port: 53, protocol: UDP}
  - {name: dns-tcp, port: 53, protocol: TCP}
  - {name: metrics, port: 9153, protocol: TCP}
EOF
coredns_ready() { [[ "$(kubectl -n kube-system get deploy coredns -o jsonpath='{.status.readyReplicas}')" == 1 ]]; }
wait_for coredns 60 "CoreDNS pod Ready" coredns_ready

# Check: a pod resolves the API server's name through cluster DNS and fetches a page from a
# second pod through a ClusterIP Service (so kube-proxy's rules work).
ns=trunkline-node-check
kubectl create namespace "$ns" >/dev/null
wait_for kube-controller-manager 30 "service account default in $ns" kubectl -n "$ns" get sa default
kubectl -n "$ns" apply -f - >"$state/logs/check-apply.log" 2>&1 <<EOF || fail check-apply "kubectl apply"
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers:
  - name: web
    image: $BUSYBOX_IMAGE
    imagePullPolicy: Never
    command: [sh, -c, "mkdir -p /www && echo trunkline-node-ok >/www/index.html && exec httpd -f -p 8080 -h /www"]
    readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Pod
metadata: {name: check}
spec:
  restartPolicy: Never
  containers:
  - name: check
    image: $BUSYBOX_IMAGE
    imagePullPolicy: Never
    command:
    - sh
    - -c
    - |
      set -e
      # kube-proxy programs the DNS Service's endpoint a moment after CoreDNS turns Ready, and
      # rejects queries to it until then (CI run 64: "Connection refused" 3 s after Ready).
      resolved=
      for i in \$(seq 1 30); do
        if nslookup kubernetes.default.svc.cluster.local; then resolved=yes; break; fi
        sleep 1
      done
      [ -n "\$resolved" ]
      # (busybox 1.35 wget segfaults with -T: timeout instead)
      for i in \$(seq 1 30); do timeout 3 wget -q -O - http://web/ && exit 0; sleep 1; done
      exit 1
EOF
check_done() {
  local phase
  phase="$(kubectl -n "$ns" get pod check -o jsonpath='{.status.phase}')"
  [[ $phase == Failed ]] && { kubectl -n "$ns" logs check >"$state/logs/check.log" 2>&1; fail check "check pod failed"; }
  [[ $phase == Succeeded ]]
}
wait_for check 60 "check pod Succeeded" check_done
kubectl -n "$ns" logs check >"$state/logs/check.log" 2>&1
grep -q trunkline-node-ok "$state/logs/check.log" || fail check "unexpected check output"
kubectl delete namespace "$ns" --wait=false >/dev/null
date +%s >"$state/up.ok"

log "up in $((SECONDS - started)) s: node Ready, CoreDNS Ready, DNS and ClusterIP Service checked"
usage_hint
